// `vdstudio-cli bench ...`: speed figures as medians over repeated runs (and, for video,
// round-trip quality), logged and optionally appended as JSON lines to a results file.
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
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
#include "io/image_io.h"
#include "io/video_decoder.h"
#include "io/video_encoder.h"
#include "io/video_frames.h"
#include "pipeline/generate.h"
#include "methods/registry.h"
#include "methods/run_setup.h"
#include "train/trainer.h"

#include <unistd.h>

namespace fs = std::filesystem;

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

// Peak resident memory of this process so far, MiB (VmHWM), or 0 where /proc is absent.
double peakRssMiB() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);)
    if (line.rfind("VmHWM:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  return 0;
}

// Records the wall clock of every iteration's scalars.
class IterationClock : public EventSink {
 public:
  void post(const Event& e) override {
    if (const auto* s = std::get_if<ScalarsEvent>(&e)) stamps.push_back(s->wallSeconds);
  }
  std::vector<double> stamps;
};

// Training speed of a run config: median milliseconds per iteration over `repetitions`
// iterations after `warmup` untimed ones, iterations per second, and peak memory.
void benchTrain(const std::string& given, const std::vector<std::string>& sets, const BenchOptions& o) {
  const std::string file = resolveDistillConfig(given);
  Config config = loadRunConfig(file);
  applyOverrides(config, sets);
  config.set("trainer.steps", int64_t{o.warmup + o.repetitions});
  config.set("trainer.log_every", int64_t{1});
  config.set("trainer.sample_every", int64_t{0});
  config.set("trainer.checkpoint_every", int64_t{0});
  const fs::path scratch = fs::temp_directory_path() / ("vds-bench-train-" + std::to_string(::getpid()));
  IterationClock clock;
  {
    auto trainer = prepareRun(config, RunPaths(scratch, scratch / "export"), &clock);
    trainer->run();
  }
  std::error_code ec;
  fs::remove_all(scratch, ec);
  std::vector<double> ms;
  for (size_t i = static_cast<size_t>(o.warmup); i < clock.stamps.size(); ++i)
    ms.push_back(1000.0 * (clock.stamps[i] - (i == 0 ? 0.0 : clock.stamps[i - 1])));
  if (ms.empty()) throw Error("bench train: no timed iterations");
  BenchResult r;
  r.name = "train." + config.get<std::string>("method.name");
  r.unit = "ms/iteration";
  r.repetitions = static_cast<int>(ms.size());
  r.median = quantile(ms, 0.5);
  r.p10 = quantile(ms, 0.1);
  r.p90 = quantile(ms, 0.9);
  r.min = *std::min_element(ms.begin(), ms.end());
  r.max = *std::max_element(ms.begin(), ms.end());
  r.settings = {{"config", file},
                {"iterations_per_second", 1000.0 / r.median},
                {"peak_rss_mib", peakRssMiB()},
                {"device", config.get<std::string>("run.device")},
                {"threads", config.get<int64_t>("run.threads")},
                {"batch_size", config.get<int64_t>("data.batch_size")},
                {"overrides", sets}};
  publish(r, o);
}

struct VideoBenchArgs {
  int clips = 16;
  int scale = 4;
  std::vector<std::string> formats{"mp4", "webm", "gif", "png"};
  std::vector<int> crfs{-1, 10};
};

// Round trips of Shapes clips through each format: PSNR of decode(encode(clip)) against the
// clip (mean and worst over the clips, and how many came back exactly), file size, and the
// median encode time per clip.
void benchVideo(const VideoBenchArgs& a, const BenchOptions& o) {
  namespace fs = std::filesystem;
  const ShapesWorld world(WorldOptions{});
  std::vector<torch::Tensor> clips;
  for (int i = 0; i < a.clips; ++i)
    clips.push_back(upscaleNearest(world.render(world.spec(Split::heldout, i)), a.scale));
  const fs::path dir = fs::temp_directory_path() / ("vds-bench-video-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  struct Cleanup {
    fs::path dir;
    ~Cleanup() {
      std::error_code ec;
      fs::remove_all(dir, ec);
    }
  } cleanup{dir};
  for (const std::string& name : a.formats) {
    const VideoFormat format = parseOption("--formats", name, parseVideoFormat);
    const bool hasCrf = format == VideoFormat::mp4 || format == VideoFormat::webm;
    for (int crf : hasCrf ? a.crfs : std::vector<int>{-1}) {
      VideoEncodeSettings settings;
      settings.format = format;
      settings.crf = crf;
      const fs::path out = dir / (format == VideoFormat::png ? std::string("frames") : "clip." + name);
      double psnrSum = 0, psnrMin = INFINITY, bytes = 0;
      int exact = 0;
      for (const torch::Tensor& clip : clips) {
        bytes += static_cast<double>(encodeVideo(out, clip, settings).bytes);
        torch::Tensor back;
        if (format == VideoFormat::png) {
          std::vector<torch::Tensor> frames;
          for (int64_t f = 0; f < clip.size(0); ++f) frames.push_back(readPng(pngFramePath(out, f, clip.size(0))));
          back = torch::stack(frames);
        } else {
          back = decodeVideo(out).frames;
        }
        const double psnr = std::min(psnrUint8(back, clip), 100.0);  // equal clips count as 100 dB
        exact += torch::equal(back, clip) ? 1 : 0;
        psnrSum += psnr;
        psnrMin = std::min(psnrMin, psnr);
      }
      size_t next = 0;
      BenchResult r = runBenchmark("video.encode." + name + (hasCrf ? ".crf" + std::to_string(crf) : ""), o.warmup,
                                   o.repetitions, 1.0, [&] { encodeVideo(out, clips[next++ % clips.size()], settings); });
      r.settings = {{"format", name},
                    {"crf", crf},
                    {"clips", a.clips},
                    {"frames", clips.front().size(0)},
                    {"width", clips.front().size(2)},
                    {"height", clips.front().size(1)},
                    {"psnr_mean_db", psnrSum / a.clips},
                    {"psnr_min_db", psnrMin},
                    {"exact_clips", exact},
                    {"bytes_mean", bytes / a.clips}};
      publish(r, o);
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

  auto* video = bench->add_subcommand(
      "video", "Video round trips of held-out Shapes clips: PSNR, exact clips and size per format, and encode time");
  auto videoArgs = std::make_shared<VideoBenchArgs>();
  video->add_option("--clips", videoArgs->clips, "Shapes held-out clips (32x32, 8 frames)")
      ->capture_default_str()
      ->check(CLI::Range(1, 10000));
  video->add_option("--scale", videoArgs->scale, "Nearest-neighbour upscale before encoding")
      ->capture_default_str()
      ->check(CLI::Range(1, kMaxScale));
  video->add_option("--formats", videoArgs->formats, "Comma-separated: mp4, webm, gif, png")
      ->delimiter(',')
      ->capture_default_str();
  video->add_option("--crf", videoArgs->crfs, "Comma-separated CRFs for mp4 and webm (-1: the format's default)")
      ->delimiter(',')
      ->capture_default_str()
      ->check(CLI::Range(-1, 63));
  video->fallthrough();
  video->callback([options, videoArgs] { benchVideo(*videoArgs, *options); });
  sample->callback([options, sampleArgs] { benchSample(*sampleArgs, *options); });

  auto* train = bench->add_subcommand(
      "train", "Training speed of a run config (a distillation preset or file): median ms per iteration, it/s, peak RSS");
  auto trainConfig = std::make_shared<std::string>();
  auto trainSets = std::make_shared<std::vector<std::string>>();
  train->add_option("config", *trainConfig, "Run config YAML or preset name (e.g. avdm2-cpu-small)")->required();
  train->add_option("--set", *trainSets, "Override a setting, KEY=VALUE (repeatable)");
  train->fallthrough();
  train->callback([options, trainConfig, trainSets] { benchTrain(*trainConfig, *trainSets, *options); });
}

}  // namespace vds::cli
