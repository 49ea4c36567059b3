// Options: service URL, language, fail-open/closed, markers, pre-check, proceed. Policy-set values are locked.

import { applyI18n, el, loadPageContext, send } from "./common.js";

const $ = (id) => document.getElementById(id);
const form = () => $("form");
let t = (key) => key;

function fill(values, locked) {
  const f = form();
  f.serviceUrl.value = values.serviceUrl;
  f.language.value = values.language;
  for (const radio of f.querySelectorAll('input[name="failMode"]')) radio.checked = radio.value === values.failMode;
  f.markers.checked = values.markers;
  f.precheck.checked = values.precheck;
  f.allowProceed.checked = values.allowProceed;
  f.apiKey.value = values.apiKey;
  for (const field of f.querySelectorAll(".field")) {
    const key = field.dataset.key;
    const isLocked = locked.includes(key);
    field.classList.toggle("locked", isLocked);
    for (const control of field.querySelectorAll("input, select, button")) control.disabled = isLocked;
    field.querySelector(".lock")?.remove();
    if (isLocked) field.append(el("p", { class: "lock", "data-testid": `locked-${key}`, text: t("lockedBySchool") }));
  }
}

function read() {
  const f = form();
  return {
    serviceUrl: f.serviceUrl.value,
    language: f.language.value,
    failMode: f.querySelector('input[name="failMode"]:checked')?.value,
    markers: f.markers.checked,
    precheck: f.precheck.checked,
    allowProceed: f.allowProceed.checked,
    apiKey: f.apiKey.value,
  };
}

async function load() {
  const context = await loadPageContext();
  t = context.t;
  applyI18n(document, t);
  document.title = t("optionsTitle");
  const { values, locked, defaultServiceUrl } = context.settings;
  $("serviceUrl-help").textContent = t("optServiceUrlHelp", [defaultServiceUrl]);
  fill(values, locked);
  return locked;
}

async function save(event) {
  event.preventDefault();
  const status = $("save-status");
  const { locked } = await send({ type: "settings" });
  const values = Object.fromEntries(Object.entries(read()).filter(([key]) => !locked.includes(key)));
  const answer = await send({ type: "saveSettings", values });
  if (!answer.ok) {
    status.textContent = t("saveRejected", [answer.error]);
    status.dataset.state = "failed";
    return;
  }
  await load(); // a new language applies at once, and the confirmation is said in it
  status.textContent = answer.rejected.length ? t("saveRejected", [answer.rejected.join(", ")]) : t("saved");
  status.dataset.state = answer.rejected.length ? "failed" : "saved";
}

async function test() {
  const status = $("test-status");
  const url = form().serviceUrl.value;
  const answer = await send({ type: "testService", serviceUrl: url });
  status.textContent = answer.ok ? t("testOk") : t("testFailed", [url, answer.error]);
  status.dataset.state = answer.ok ? "ok" : "failed";
}

form().addEventListener("submit", save);
$("test").addEventListener("click", test);
load().then(() => {
  document.body.dataset.ready = "1";
});
