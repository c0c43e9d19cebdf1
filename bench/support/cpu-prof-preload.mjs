/**
 * `node --cpu-prof` for a child started through an environment only (Node 20 refuses --cpu-prof in
 * NODE_OPTIONS, but allows --import): NODE_OPTIONS="--import <this file>" with BENCH_CPU_PROF_DIR set
 * profiles the whole process from this module on and writes <dir>/cold-start-<pid>.cpuprofile at exit
 * (process.exit included). The inspector session is on the same thread, so its calls answer synchronously.
 */
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector";
import path from "node:path";

const dir = process.env.BENCH_CPU_PROF_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  session.post("Profiler.enable");
  session.post("Profiler.setSamplingInterval", { interval: 1000 });
  session.post("Profiler.start");
  process.on("exit", () => {
    session.post("Profiler.stop", (err, res) => {
      if (!err)
        writeFileSync(path.join(dir, `cold-start-${process.pid}.cpuprofile`), JSON.stringify(res.profile));
    });
  });
}
