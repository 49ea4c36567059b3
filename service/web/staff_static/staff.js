// Staff pages: small conveniences only; every page works without this file.
// DOM calls only, never innerHTML (the Content-Security-Policy allows no inline script anyway).

const selectAll = document.getElementById("select-all");
if (selectAll) {
  selectAll.hidden = false;
  document.getElementById("select-all-label").hidden = false;
  selectAll.addEventListener("change", () => {
    for (const box of document.querySelectorAll("input[name=id]")) box.checked = selectAll.checked;
  });
}

// A national reporting link copies the prepared text first; the form still opens in a new tab.
for (const link of document.querySelectorAll("a.national-link")) {
  link.addEventListener("click", () => {
    const area = document.getElementById(link.dataset.copy || "");
    if (area && navigator.clipboard) navigator.clipboard.writeText(area.value).catch(() => {});
  });
}
