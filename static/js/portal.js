// Small progressive enhancements; every page works without them.

// Submit a form when a select marked data-autosubmit changes (language switcher).
for (const select of document.querySelectorAll("select[data-autosubmit]")) {
  select.addEventListener("change", () => select.form.submit());
}

// Ask before irreversible actions: <button data-confirm="message">.
for (const button of document.querySelectorAll("[data-confirm]")) {
  button.addEventListener("click", (event) => {
    if (!window.confirm(button.dataset.confirm)) event.preventDefault();
  });
}

// Formsets: "add another" clones the empty form template of a formset.
for (const container of document.querySelectorAll("[data-formset]")) {
  const prefix = container.dataset.formset;
  const total = document.getElementById(`id_${prefix}-TOTAL_FORMS`);
  const template = container.querySelector("template[data-empty-form]");
  const list = container.querySelector("[data-forms]");
  const add = container.querySelector("[data-add-form]");
  if (!total || !template || !list || !add) continue;
  add.addEventListener("click", () => {
    const index = Number(total.value);
    const max = Number(document.getElementById(`id_${prefix}-MAX_NUM_FORMS`).value);
    if (index >= max) return;
    const html = template.innerHTML.replaceAll("__prefix__", String(index));
    const holder = document.createElement("div");
    holder.innerHTML = html;
    for (const node of [...holder.children]) list.appendChild(node);
    total.value = String(index + 1);
    const first = list.lastElementChild?.querySelector("input:not([type=hidden]), select, textarea");
    for (const fs of list.querySelectorAll("[data-party]")) syncPartyKind(fs);
    first?.focus();
  });
}

// Show the party fields that fit the chosen kind (company vs person).
function syncPartyKind(fieldset) {
  const checked = fieldset.querySelector("input[name$='-kind']:checked");
  if (!checked) return;
  fieldset.dataset.kind = checked.value;
}
document.addEventListener("change", (event) => {
  const fieldset = event.target.closest?.("[data-party]");
  if (fieldset && event.target.name?.endsWith("-kind")) syncPartyKind(fieldset);
  const track = event.target.closest?.("[data-track-form]");
  if (track) track.dataset.track = track.querySelector("input[name='track']:checked")?.value ?? "";
  const filingAs = event.target.closest?.("[data-filing-as]");
  if (filingAs) filingAs.dataset.as = filingAs.querySelector("input[name='filing_as']:checked")?.value ?? "";
});
for (const fieldset of document.querySelectorAll("[data-party]")) syncPartyKind(fieldset);
for (const form of document.querySelectorAll("[data-track-form]")) {
  form.dataset.track = form.querySelector("input[name='track']:checked")?.value ?? "";
}
for (const el of document.querySelectorAll("[data-filing-as]")) {
  el.dataset.as = el.querySelector("input[name='filing_as']:checked")?.value ?? "";
}
