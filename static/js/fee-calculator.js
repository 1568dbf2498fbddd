// The arbitration fee calculator (templates/arbitration/_fee_calculator.html).
// Without this script the form is a plain GET to the calculator page; with it,
// the result is fetched as JSON (?format=json) and shown in place.

const money = (value) => `¥${Number(value).toLocaleString(document.documentElement.lang || "zh-Hans", {
  minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

function show(output, quote) {
  const rows = [
    [output.dataset.labelRegistration, quote.registration_fee],
    [output.dataset.labelAdmin, quote.admin_fee],
    [output.dataset.labelTotal, quote.total],
  ];
  const list = document.createElement("dl");
  list.className = "facts fee-quote";
  rows.forEach(([label, value], index) => {
    const dt = document.createElement("dt");
    dt.textContent = label;
    const dd = document.createElement("dd");
    const text = document.createElement(index === rows.length - 1 ? "strong" : "span");
    text.textContent = money(value);
    dd.appendChild(text);
    list.append(dt, dd);
  });
  output.replaceChildren(list);
}

for (const form of document.querySelectorAll("form[data-fee-calculator]")) {
  const output = form.querySelector("[data-fee-result]");
  const errors = form.querySelector("[data-fee-error]");
  const input = form.querySelector("input[name=amount]");
  let pending;

  async function calculate() {
    if (!input.value || !input.checkValidity()) {
      output.replaceChildren();  // no stale result next to an amount that is not valid
      return;
    }
    pending?.abort();
    pending = new AbortController();
    const url = new URL(form.action, window.location.href);
    url.searchParams.set("amount", input.value);
    url.searchParams.set("format", "json");
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" }, signal: pending.signal });
      const data = await response.json();
      errors.replaceChildren(...(data.errors || []).map((message) => {
        const li = document.createElement("li");
        li.textContent = message;
        return li;
      }));
      if (response.ok) input.removeAttribute("aria-invalid");
      else input.setAttribute("aria-invalid", "true");
      if (response.ok) show(output, data);
      else output.replaceChildren();
    } catch (error) {
      if (error.name !== "AbortError") form.submit();  // fall back to the plain page
    }
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    calculate();
  });
  input.addEventListener("input", () => {
    clearTimeout(input.feeTimer);
    input.feeTimer = setTimeout(calculate, 300);
  });
}
