// `vdstudio-cli bench ...`: speed figures as medians over repeated runs, logged and
// optionally appended as JSON lines to a results file.
#include <fstream>

#include "cli/cli_common.h"
#include "core/errors.h"
#include "core/log.h"
#include "data/shapes_world.h"
#include "eval/benchmark.h"

namespace vds::cli {
namespace {

struct BenchOptions {
  int repetitions = 20;
  int warmup = 3;
  std::string jsonOut;
};

void publish(const BenchResult& r, const BenchOptions& o) {
  logger()->info("bench {}: median {:.4f} {} (p10 {:.4f}, p90 {:.4f}, n={}) settings {}", r.name, r.median, r.unit,
                 r.p10, r.p90, r.repetitions, r.settings.dump());
  if (o.jsonOut.empty()) return;
  std::ofstream out(o.jsonOut, std::ios::app);
  if (!out) throw IoError("--json: cannot append to '" + o.jsonOut + "'");
  out << r.toJson().dump() << "\n";
}

}  // namespace

void registerBenchCommands(CLI::App& app) {
  auto* bench = app.add_subcommand("bench", "Benchmarks: medians over repeated runs, written to the log");
  bench->require_subcommand(1);
  auto options = std::make_shared<BenchOptions>();
  bench->add_option("--repetitions", options->repetitions, "Timed runs")->capture_default_str()->check(CLI::Range(1, 100000));
  bench->add_option("--warmup", options->warmup, "Untimed runs first")->capture_default_str()->check(CLI::Range(0, 1000));
  bench->add_option("--json", options->jsonOut, "Append each result as a JSON line to this file");

  auto* world = bench->add_subcommand("world", "Shapes clip rendering, milliseconds per clip");
  auto size = std::make_shared<int>(32);
  auto frames = std::make_shared<int>(8);
  world->add_option("--size", *size, "Frame side")->capture_default_str()->check(CLI::Range(8, 1024));
  world->add_option("--frames", *frames, "Frames per clip")->capture_default_str()->check(CLI::Range(1, 256));
  world->callback([options, size, frames] {
    WorldOptions wo;
    wo.width = wo.height = *size;
    wo.frames = *frames;
    const ShapesWorld shapes(wo);
    constexpr int kClipsPerRun = 100;
    int64_t next = 0;
    for (Style style : kAllStyles) {
      BenchResult r = runBenchmark(std::string("world.render.") + styleName(style), options->warmup, options->repetitions,
                                   kClipsPerRun, [&] {
                                     for (int i = 0; i < kClipsPerRun; ++i) shapes.render(shapes.spec(Split::train, next++), style);
                                   });
      r.settings = {{"size", *size}, {"frames", *frames}, {"clips_per_run", kClipsPerRun}, {"style", styleName(style)}};
      publish(r, *options);
    }
  });
}

}  // namespace vds::cli
