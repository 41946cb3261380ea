// Caremap front-end entry point. Load with:
//   <script type="module" src="{% static 'caremap/caremap.js' %}"></script>
// An external module script, so it runs under a Content-Security-Policy that
// forbids inline scripts (script-src 'self'). Browsers too old for ES modules
// never run it and get the no-JavaScript experience, which is what GOV.UK
// Frontend's "govuk-frontend-supported" class is for.
import { initAll } from "./govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();

// Warn before an idle session ends (WCAG 2.2.1, Timing Adjustable), and let
// the user stay signed in with one button. The warning's words come from the
// page (translated on the server); this only shows and hides it.
const warning = document.getElementById("idle-warning");
if (warning) {
  const timeoutSeconds = Number(document.body.dataset.idleTimeoutSeconds);
  // Two minutes' notice, or half the time for very short timeouts.
  const noticeSeconds = Math.min(120, timeoutSeconds / 2);
  const form = warning.querySelector("form");
  let timer;

  const schedule = () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(() => {
      warning.hidden = false;
      warning.querySelector("button").focus();
    }, (timeoutSeconds - noticeSeconds) * 1000);
  };

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const response = await fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      // A session that already ended answers with a redirect to sign in;
      // following it would look like success.
      redirect: "manual",
      headers: { "X-Requested-With": "fetch" },
    });
    if (response.ok) {
      warning.hidden = true;
      schedule();
    } else {
      // The session has already ended: go to the sign-in page for this page.
      window.location.reload();
    }
  });

  schedule();
}

// Editing in place. Links and forms marked with hx-get/hx-post keep their
// ordinary href/action, so without scripts each editor is a page of its
// own; with htmx the server sends just the editor (or the goals, redrawn)
// and this sets it up like a page load would: GOV.UK Frontend components
// start, and focus moves to what appeared (an error summary or a success
// note focuses itself when it starts; otherwise the element marked
// data-focus), so keyboard and screen-reader users are taken to it.
document.addEventListener("htmx:afterSettle", (event) => {
  const target = event.detail.target;
  if (!target || !target.isConnected) return;
  // Notes from the page load are about an earlier change: only the latest
  // one stays, or two "Success" notes would compete.
  for (const old of document.querySelectorAll("[data-page-message]")) {
    old.remove();
  }
  target.querySelector("[data-focus]")?.focus();
  initAll({ scope: target });
});

// A request that never got an answer (no connection, or the server failed)
// swaps nothing, so what was typed stays on screen; say so beside the form.
const notSent = (event) => {
  const form = event.detail.elt.closest("form[data-send-error]");
  if (!form) {
    // A link: go to its page the ordinary way, which shows any error fully.
    const link = event.detail.elt.closest("a[href]");
    if (link) window.location.assign(link.href);
    return;
  }
  let message = form.querySelector(".caremap-send-error");
  if (!message) {
    message = document.createElement("p");
    message.className = "govuk-error-message caremap-send-error";
    message.setAttribute("role", "alert");
    form.prepend(message);
  }
  message.textContent = form.dataset.sendError;
};
document.addEventListener("htmx:sendError", notSent);
document.addEventListener("htmx:responseError", notSent);
document.addEventListener("htmx:timeout", notSent);

// Cancel closes an editor drawn in place (its href still goes back to the
// plan when scripts do not run) and returns focus to the goal it was in.
document.addEventListener("click", (event) => {
  const cancel = event.target.closest("[data-close-editor]");
  if (!cancel) return;
  const place = document.querySelector(cancel.dataset.closeEditor);
  if (!place) return;
  event.preventDefault();
  const card = place.closest("[id^='goal-']:not([id$='-editor'])");
  place.replaceChildren();
  (card?.querySelector("h2[tabindex]") ?? document.querySelector("h1"))?.focus();
});
