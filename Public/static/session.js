// Warns two minutes before the session ends and lets the person extend it without leaving the page, so that
// nothing typed is lost (RGAA 13.1, WCAG 2.2.1). The server tells each page the time its session has left.
"use strict";
(function () {
  const dialog = document.getElementById("session-warning");
  if (!dialog || typeof dialog.showModal !== "function") return;
  const warnBefore = Number(dialog.dataset.secondsBefore) * 1000;
  const active = dialog.querySelector("[data-session-active]");
  const ended = dialog.querySelector("[data-session-ended]");
  const form = active.querySelector("form");
  let deadline = Date.now() + Number(dialog.dataset.secondsLeft) * 1000;
  let timer;

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(warn, Math.max(0, deadline - warnBefore - Date.now()));
  }

  function warn() {
    if (!dialog.open) dialog.showModal();
    timer = setTimeout(end, Math.max(0, deadline - Date.now()));
  }

  function end() {
    clearTimeout(timer);
    active.hidden = true;
    ended.hidden = false;
    dialog.setAttribute("aria-labelledby", "session-ended-title");
    if (!dialog.open) dialog.showModal();
    ended.querySelector("a").focus();
  }

  if (form) {
    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      try {
        // A session already ended answers with a redirection to the sign-in page: not followed, it reads as ended.
        const response = await fetch(form.action, {
          method: "POST", body: new URLSearchParams(new FormData(form)), credentials: "same-origin", redirect: "manual"
        });
        if (response.status !== 204) return end();
        deadline = Date.now() + Number(response.headers.get("X-Session-Seconds-Left")) * 1000;
        dialog.close();
        schedule();
      } catch (error) {
        // The network failed, not the session: the message stays, and the button can be pressed again.
      }
    });
  }
  dialog.querySelector("[data-session-close]").addEventListener("click", function () { dialog.close(); });
  schedule();
})();
