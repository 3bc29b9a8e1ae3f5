// `vdstudio --bench-overhead CONFIG`: training throughput with the studio open against
// the CLI's on the same run config. Repetitions alternate CLI, GUI, GUI, CLI, ... so
// drift in the machine's load falls on both sides alike. Each run's speed is read back
// from its own metrics.sqlite (the Trainer's wall clock at every logged step), so both
// sides are measured by the same code: ms per iteration from the first logged step at
// or after the warm-up to the last one. The report goes to stdout.
#pragma once
#include <QString>

namespace vds::gui {

struct OverheadOptions {
  QString config;            // run config YAML file
  QString cli;               // vdstudio-cli to run the CLI side with
  int steps = 60;            // iterations per run (trainer.steps)
  int warmup = 10;           // iterations left out of the timing
  int repetitions = 3;       // runs per side
};

// 0 when every run finished and the report was printed; 1 otherwise (the error on stderr).
int benchOverhead(const OverheadOptions& options);

}  // namespace vds::gui
