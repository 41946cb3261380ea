// Caremap front-end entry point. Load with:
//   <script type="module" src="{% static 'caremap/caremap.js' %}"></script>
// An external module script, so it runs under a Content-Security-Policy that
// forbids inline scripts (script-src 'self'). Browsers too old for ES modules
// never run it and get the no-JavaScript experience, which is what GOV.UK
// Frontend's "govuk-frontend-supported" class is for.
import { initAll } from "./govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
