// Hash a chosen or dropped file in the browser (WebCrypto); only the hash is sent.
const input = document.getElementById("file-input");
const zone = document.getElementById("dropzone");
const status = document.getElementById("hash-status");
const field = document.getElementById("id_q");
const form = document.getElementById("verify-form");

async function hashAndSubmit(file) {
  if (!file || !window.crypto?.subtle) return;
  status.textContent = zone.dataset.hashing;
  const digest = await crypto.subtle.digest("SHA-256", await file.arrayBuffer());
  const hex = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
  field.value = hex;
  status.textContent = `SHA-256 ${hex}`;
  form.submit();
}

input?.addEventListener("change", () => hashAndSubmit(input.files[0]));
zone?.addEventListener("dragover", (event) => { event.preventDefault(); zone.classList.add("over"); });
zone?.addEventListener("dragleave", () => zone.classList.remove("over"));
zone?.addEventListener("drop", (event) => {
  event.preventDefault();
  zone.classList.remove("over");
  hashAndSubmit(event.dataTransfer.files[0]);
});
