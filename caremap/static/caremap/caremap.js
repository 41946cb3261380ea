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
