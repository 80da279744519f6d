/** Mounts the console. */
import { render } from "preact";
import { html } from "htm/preact";
import { App } from "./app.js";
import "./style.css";

const root = document.getElementById("app")!;
// The page's "Loading…" placeholder is not Preact's: render would keep it beside the app.
root.replaceChildren();
render(html`<${App} />`, root);
