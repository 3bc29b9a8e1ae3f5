// `vdstudio-cli eval`: the metrics of ARCHITECTURE §6 for a diffusion package against the
// Shapes held-out split (eval/evaluate.h), or with --real the eval net's own quality gates.
// Prints the MetricReport table and optionally writes its JSON, settings included.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "cli/cli_common.h"
#include "core/errors.h"
#include "core/paths.h"
#include "eval/evaluate.h"

namespace vds::cli {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kMaxClips = 1000000;

struct EvalArgs {
  std::string model;
  std::string evalNet = "builtin:eval-net";
  bool real = false;
  std::string autoencoder;  // with --real: round-trip the real clips through this package
  std::string sampler = "ddim";
  int steps = 25;
  double cfg = 1.0;
  std::vector<double> cfgInterval;
  double eta = 0.0;
  int64_t n = 512;
  uint64_t seed = 0;
  std::string style;  // empty: plain for a model, every style with --real
  int64_t batchSize = 16;
  std::string spacing = "trailing";
  std::vector<double> timesteps;
  int size = 32, frames = 8;
  std::string jsonOut;
  bool pinFirstFrame = false;
  bool guideTextOnly = false;
  bool dropFirstFrame = false;
  bool samplingGiven = false;  // any of --sampler, --steps, --timesteps, --cfg on the command line
};

MetricReport runModelEval(const EvalArgs& a) {
  if (a.model.empty()) throw ConfigError("--model is required (or --real to evaluate the eval net itself)");
  EvalOptions o;
  o.model = packageOption("--model", a.model);
  o.evalNet = packageOption("--evalnet", a.evalNet);
  o.n = a.n;
  o.seed = a.seed;
  SamplingChoice choice{a.sampler, a.steps, a.timesteps, a.cfg};
  applyPackageSampling(o.model, a.samplingGiven, choice);
  o.sampler = parseOption("--sampler", choice.sampler, diffusion::parseSamplerKind);
  o.steps = choice.steps;
  o.cfg = choice.cfg;
  o.cfgInterval = cfgIntervalOption(a.cfgInterval);
  o.eta = a.eta;
  parseOption("--spacing", a.spacing, diffusion::parseSpacing);
  o.spacing = a.spacing;
  o.timesteps = choice.timesteps;
  o.targetStyle = a.style.empty() ? Style::plain : parseOption("--style", a.style, parseStyle);
  o.batchSize = a.batchSize;
  o.pinFirstFrame = a.pinFirstFrame;
  o.guideTextOnly = a.guideTextOnly;
  o.dropFirstFrame = a.dropFirstFrame;
  ProgressBar bar(isatty(fileno(stderr)) != 0);
  MetricReport report = evaluateModel(o, [&bar](const ProgressUpdate& u) { bar(u); });
  bar.finish();
  return report;
}

MetricReport runRealEval(const EvalArgs& a) {
  if (!a.model.empty()) throw ConfigError("--model and --real exclude each other: --real evaluates the eval net alone");
  std::vector<Style> styles(kAllStyles.begin(), kAllStyles.end());
  if (!a.style.empty()) styles = {parseOption("--style", a.style, parseStyle)};
  WorldOptions world;
  world.width = world.height = a.size;
  world.frames = a.frames;
  world.seed = kEvalWorldSeed;
  return evaluateReal(packageOption("--evalnet", a.evalNet), a.n, styles, world,
                      a.autoencoder.empty() ? fs::path() : packageOption("--autoencoder", a.autoencoder));
}

}  // namespace

void registerEvalCommands(CLI::App& app) {
  auto a = std::make_shared<EvalArgs>();
  auto* eval = app.add_subcommand(
      "eval",
      "Metrics of a video model against the Shapes held-out split (FVD-S with its real-vs-real floor, prompt and "
      "style accuracy, flicker, identity consistency, speed; first-frame PSNR and direction accuracy for "
      "image-to-video), or with --real the eval net's own accuracy");
  eval->add_option("--model", a->model, "Diffusion package to evaluate: video_unet, i2v_unet, or image_unet (each image held still for 8 frames)");
  eval->add_option("--evalnet", a->evalNet, "Eval net package (builtin:NAME for a shipped one)")->capture_default_str();
  eval->add_flag("--real", a->real,
                 "Evaluate the eval net itself on real held-out clips of every style: attribute and style accuracy");
  eval->add_option("--sampler", a->sampler, "ddim, euler, heun, dpmpp_2m or consistency")->capture_default_str();
  eval->add_option("--steps", a->steps, "Sampling steps")->capture_default_str()->check(CLI::Range(1, 1000));
  eval->add_option("--cfg", a->cfg, "Classifier-free guidance weight (1: no guidance, one NFE per step)")
      ->capture_default_str();
  addCfgIntervalOption(eval, a->cfgInterval);
  eval->add_option("--eta", a->eta, "DDIM stochasticity: 0 deterministic, 1 DDPM-like ancestral (ddim only)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  eval->add_option("--n", a->n, "Clips: generated, and as many held-out and train real clips (per style with --real)")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{2}, kMaxClips));
  eval->add_option("--seed", a->seed, "Generation seed; clip i uses the noise of sample i")->capture_default_str();
  eval->add_option("--style", a->style,
                   "Target style for style accuracy (default plain); with --real, only this style (default all)");
  eval->add_option("--batch-size", a->batchSize, "Clips per generation batch (the metrics do not depend on it)")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{1}, int64_t{4096}));
  eval->add_option("--spacing", a->spacing, "DDPM timestep spacing: leading, trailing or linspace")
      ->capture_default_str();
  eval->add_option("--timesteps", a->timesteps,
                   "Explicit timesteps, noisiest first (sigmas for EDM models); overrides --steps")
      ->delimiter(',');
  eval->add_option("--autoencoder", a->autoencoder,
                   "With --real: pass the real clips through this autoencoder package first, to see the best a "
                   "latent model can score (FVD-S is then the round trip's own)");
  eval->add_option("--size", a->size, "With --real: frame side of the clips")
      ->capture_default_str()
      ->check(CLI::Range(8, 1024));
  eval->add_option("--frames", a->frames, "With --real: frames per clip")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  eval->add_flag("--pin-first-frame", a->pinFirstFrame,
                 "Image-to-video models: frame 0 of every denoised estimate is the condition's latent "
                 "(sample --pin-first-frame)");
  eval->add_flag("--guide-text-only", a->guideTextOnly,
                 "Image-to-video models with --cfg: the unguided branch keeps the first frame, so guidance "
                 "amplifies the caption alone (sample --guide-text-only)");
  eval->add_flag("--drop-first-frame", a->dropFirstFrame,
                 "Image-to-video models: generate from the caption alone (the zero first-frame latent of the "
                 "unguided image branch), to score the model as a text-to-video one; no first-frame PSNR");
  eval->add_option("--json", a->jsonOut, "Write the report (metrics and every setting) as JSON to this file");
  eval->callback([a, eval] {
    a->samplingGiven =
        eval->count("--sampler") + eval->count("--steps") + eval->count("--timesteps") + eval->count("--cfg") > 0;
    if (!a->real && !a->autoencoder.empty())
      throw ConfigError("--autoencoder goes with --real (a model package names its own autoencoder)");
    const MetricReport report = a->real ? runRealEval(*a) : runModelEval(*a);
    std::printf("%s", report.formatTable().c_str());
    if (!a->jsonOut.empty()) writeJsonReport(a->jsonOut, report.toJson());
  });
}

}  // namespace vds::cli
