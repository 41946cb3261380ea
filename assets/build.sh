#!/usr/bin/env bash
# Build Caremap's front-end assets from the pinned npm packages.
#
# Output (committed, so the app needs no Node at runtime):
#   caremap/static/caremap/caremap.css                   de-branded GOV.UK Frontend + Caremap rules
#   caremap/static/caremap/govuk-frontend.min.js         GOV.UK Frontend ES module (source-map comment dropped)
#   caremap/static/caremap/govuk-frontend-LICENSE.txt    its MIT licence notice
#   caremap/static/caremap/htmx.min.js                   htmx, for editing in place
#   caremap/static/caremap/htmx-LICENSE.txt              its BSD Zero Clause licence
#
# No GOV.UK assets are copied: dist/govuk/assets/ holds only brand material
# (GDS Transport fonts, crown/crest, GOV.UK icons, favicons, manifest, Open
# Graph image), none of which Caremap may use. Caremap's own icons live in
# caremap/static/caremap/images/ and are hand-made.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="$(cd "$here/.." && pwd)/caremap/static/caremap"
pkg="$here/node_modules/govuk-frontend"

cd "$here"
npm ci --no-audit --no-fund --ignore-scripts

version="$(node -p 'require("govuk-frontend/package.json").version')"
echo "govuk-frontend $version"

mkdir -p "$out"

npx --no-install sass \
  --pkg-importer=node \
  --quiet-deps \
  --style=compressed \
  --no-source-map \
  scss/caremap.scss "$out/caremap.css"

# The .min.js ends with a sourceMappingURL comment; the map is not shipped,
# so drop the comment: ManifestStaticFilesStorage would fail collectstatic on
# the missing .map, and browsers' dev tools would 404 on it.
sed -e 's|//# sourceMappingURL=govuk-frontend\.min\.js\.map$||' \
  "$pkg/dist/govuk/govuk-frontend.min.js" >"$out/govuk-frontend.min.js"

# The npm package ships no LICENSE file (package.json says "MIT"), so use the
# file from the package if a future version adds one, else write the upstream
# LICENSE.txt text.
license_src="$(find "$pkg" -maxdepth 1 -iname 'licen[cs]e*' -print -quit)"
if [[ -n "$license_src" ]]; then
  cp "$license_src" "$out/govuk-frontend-LICENSE.txt"
else
  cat >"$out/govuk-frontend-LICENSE.txt" <<EOF
govuk-frontend $version (https://github.com/alphagov/govuk-frontend)
Used by Caremap for caremap.css (compiled from its Sass, with GOV.UK branding
removed) and govuk-frontend.min.js. GOV.UK brand assets (crown, logotype,
GDS Transport font, images) are not used and are not covered by this licence.

The MIT License (MIT)

Copyright (C) 2017 Crown Copyright (Government Digital Service)

Permission is hereby granted, free of charge, to any person obtaining a copy of
this software and associated documentation files (the "Software"), to deal in
the Software without restriction, including without limitation the rights to
use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies
of the Software, and to permit persons to whom the Software is furnished to do
so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
EOF
fi

# htmx ships a ready-made minified build and its licence.
htmx="$here/node_modules/htmx.org"
echo "htmx.org $(node -p 'require("htmx.org/package.json").version')"
cp "$htmx/dist/htmx.min.js" "$out/htmx.min.js"
cp "$htmx/LICENSE" "$out/htmx-LICENSE.txt"

# Guard against brand material creeping back in (e.g. after an upgrade).
if grep -qi 'GDS Transport\|@font-face' "$out/caremap.css"; then
  echo "error: caremap.css contains the GDS Transport font" >&2
  exit 1
fi
# caremap.scss maps the only GOV.UK image (the crest) to `none`, so the CSS
# must reference no files at all (Django's ManifestStaticFilesStorage fails
# collectstatic on a url() to a missing file).
if grep -q 'url(' "$out/caremap.css"; then
  echo "error: caremap.css references files:" >&2
  grep -o 'url([^)]*)' "$out/caremap.css" >&2
  exit 1
fi

ls -l "$out/caremap.css" "$out/govuk-frontend.min.js" "$out/govuk-frontend-LICENSE.txt" \
  "$out/htmx.min.js" "$out/htmx-LICENSE.txt"
