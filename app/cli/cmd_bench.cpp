// `vdstudio-cli bench ...`: speed figures as medians over repeated runs, logged and
// optionally appended as JSON lines to a results file.
#include <algorithm>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "cli/cli_common.h"
#include "core/errors.h"
#include "core/log.h"
#include "core/paths.h"
#include "data/shapes_world.h"
#include "eval/benchmark.h"
#include "eval/evaluate.h"
#include "pipeline/generate.h"

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

struct SampleBenchArgs {
  std::string model;
  std::vector<std::string> samplers{"ddim"};
  std::vector<int> steps{1, 2, 4, 25};
  std::vector<int64_t> batches{1, 16};
  double cfg = 1.0;
};

// Generation speed for every sampler x steps x batch: median ms per clip (the generate()
// call: text encoding, sampling, decoding) and NFE per clip. Prompts and first frames are
// those of the Shapes held-out clips, as `vdstudio-cli eval` uses them.
void benchSample(const SampleBenchArgs& a, const BenchOptions& o) {
  if (a.model.empty()) throw ConfigError("--model is required");
  std::vector<diffusion::SamplerKind> samplers;
  for (const std::string& name : a.samplers)
    samplers.push_back(parseOption("--samplers", name, diffusion::parseSamplerKind));
  const std::string modelPath = resolveModelPath(a.model).string();
  GenerationModels models = GenerationModels::load(modelPath);
  int64_t maxBatch = 2;  // renderRealClips needs two clips
  for (int64_t b : a.batches) maxBatch = std::max(maxBatch, b);
  const RealClips real = renderRealClips(evalWorldFor(models), maxBatch);
  for (diffusion::SamplerKind sampler : samplers) {
    for (int steps : a.steps) {
      for (int64_t batch : a.batches) {
        GenerateRequest base;
        base.sampler = sampler;
        base.steps = steps;
        base.cfg = a.cfg;
        const GenerateRequest request = heldoutRequest(models, real, 0, batch, base);
        int64_t nfe = 0;
        const std::string name = "sample." + diffusion::toString(sampler) + ".steps" + std::to_string(steps) +
                                 ".batch" + std::to_string(batch);
        BenchResult r = runBenchmark(name, o.warmup, o.repetitions, static_cast<double>(batch),
                                     [&] { nfe = generate(models, request).nfe; });
        r.settings = {{"model", modelPath},
                      {"kind", models.model.kind},
                      {"sampler", diffusion::toString(sampler)},
                      {"steps", steps},
                      {"batch", batch},
                      {"cfg", a.cfg},
                      {"nfe_per_clip", nfe},
                      {"frames", models.frames()},
                      {"width", models.frameWidth()},
                      {"height", models.frameHeight()}};
        publish(r, o);
      }
    }
  }
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
  world->fallthrough();

  auto* sample = bench->add_subcommand(
      "sample", "Generation from a model package: median milliseconds per clip and NFE, per sampler x steps x batch");
  auto sampleArgs = std::make_shared<SampleBenchArgs>();
  sample->add_option("--model", sampleArgs->model, "Diffusion package (builtin:NAME for a shipped one)")->required();
  sample->add_option("--samplers", sampleArgs->samplers, "Comma-separated: ddim, euler, heun, dpmpp_2m, consistency")
      ->delimiter(',')
      ->capture_default_str();
  sample->add_option("--steps", sampleArgs->steps, "Comma-separated step counts")
      ->delimiter(',')
      ->capture_default_str()
      ->check(CLI::Range(1, 1000));
  sample->add_option("--batch", sampleArgs->batches, "Comma-separated batch sizes")
      ->delimiter(',')
      ->capture_default_str()
      ->check(CLI::Range(int64_t{1}, int64_t{4096}));
  sample->add_option("--cfg", sampleArgs->cfg, "Classifier-free guidance weight (1: no guidance)")
      ->capture_default_str();
  // Lets --repetitions, --warmup and --json follow the subcommand name too.
  sample->fallthrough();
  sample->callback([options, sampleArgs] { benchSample(*sampleArgs, *options); });
}

}  // namespace vds::cli
