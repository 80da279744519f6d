/** The console's HTML shell and the policy that keeps it to this origin (offline by construction). */

/** Only this server's own scripts, styles and API: no CDN, no remote fonts, no framing. */
export const CONSOLE_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; font-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** The page: the bundle mounts the app into #app. */
export const CONSOLE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Switchboard console</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/console/assets/main.css">
<script type="module" src="/console/assets/main.js"></script>
</head>
<body>
<div id="app"><p>Loading the console…</p></div>
<noscript>The Switchboard console needs JavaScript. The API itself is documented at <a href="/docs">/docs</a>.</noscript>
</body>
</html>
`;
