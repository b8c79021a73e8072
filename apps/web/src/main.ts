import { DemoApp } from "./demo-app.js";
import { setUpOnnxRuntimeWeb } from "./ort-web-setup.js";
import { findPageElements } from "./page-elements.js";

const { threads } = setUpOnnxRuntimeWeb();
void new DemoApp(findPageElements(), threads).start();
