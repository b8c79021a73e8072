import { DemoApp } from "./demo-app.js";
import { setUpOnnxRuntimeWeb } from "./ort-web-setup.js";
import { findPageElements } from "./page-elements.js";
import { TrainView } from "./train/train-view.js";

const { threads, wasmPaths } = setUpOnnxRuntimeWeb();
new TrainView(wasmPaths, threads).start();
void new DemoApp(findPageElements(), threads).start();
