/** The Mini App's entry: launch parameters and theme first (no flash of wrong colours), then the page. */
import { render } from "preact";
import { Root } from "./app";
import "./styles.css";
import { applyTheme, readLaunch, startTelegram } from "./telegram";

const launch = readLaunch();
applyTheme(launch.theme);
render(<Root launch={launch} />, document.getElementById("app")!);
startTelegram();
