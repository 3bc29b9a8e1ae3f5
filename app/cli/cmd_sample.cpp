// `vdstudio-cli sample`: text-to-video and image-to-video generation from a model
// package, written as a PNG contact sheet, as frame PNGs per video, or as a video
// (.mp4, .webm, .gif; several videos make one labelled grid, a row per prompt).
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "cli/cli_common.h"
#include "core/errors.h"
#include "core/paths.h"
#include "data/shapes_world.h"
#include "io/image_io.h"
#include "pipeline/generate.h"

namespace vds::cli {
namespace {

namespace fs = std::filesystem;


struct SampleArgs {
  std::string model;
  std::vector<std::string> prompts;
  std::string image;
  std::string sampler = "ddim";
  int steps = 25;
  double cfg = 1.0;
  std::vector<double> cfgInterval;
  uint64_t seed = 0;
  std::string out;
  int count = 1;
  std::string spacing = "trailing";
  double eta = 0.0;
  std::vector<double> timesteps;
  int batchSize = 16;
  int scale = 4;
  bool pinFirstFrame = false;
  bool guideTextOnly = false;
  bool samplingGiven = false;  // any of --sampler, --steps, --timesteps, --cfg on the command line
  VideoOutputArgs video;
};

enum class OutputKind { contactSheet, frameFolders, video };

// The output kind from --out, before any work is done.
OutputKind outputKindOf(const std::string& out) {
  if (out.empty()) throw ConfigError("--out must not be empty");
  const fs::path path(out);
  if (out.back() == '/' || !path.has_extension()) return OutputKind::frameFolders;
  std::string ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  if (ext == ".png") return OutputKind::contactSheet;
  if (ext == ".mp4" || ext == ".webm" || ext == ".gif") return OutputKind::video;
  throw ConfigError("--out '" + out + "': cannot write '" + ext +
                    "' files; use .mp4, .webm or .gif (a video), a .png file (a contact sheet) or a directory "
                    "(frame PNGs per video)");
}

// --image as [1,3,H,W] in [-1,1]; grey is repeated and alpha dropped.
torch::Tensor readFirstFrame(const std::string& file) {
  torch::Tensor hwc = readPng(file);
  const int64_t channels = hwc.size(2);
  if (channels < 3) hwc = hwc.narrow(2, 0, 1).repeat({1, 1, 3});
  if (channels > 3) hwc = hwc.narrow(2, 0, 3);
  return framesToModelRange(hwc.unsqueeze(0).contiguous());
}

std::string videoName(size_t index) {
  char name[32];
  std::snprintf(name, sizeof name, "video_%04zu", index);
  return name;
}

std::string frameName(int64_t frame) {
  char name[32];
  std::snprintf(name, sizeof name, "frame_%02lld.png", static_cast<long long>(frame));
  return name;
}

void writeFrameFolders(const fs::path& root, const std::vector<torch::Tensor>& videos,
                       const std::vector<std::string>& prompts) {
  std::error_code ec;
  fs::create_directories(root, ec);
  if (ec) throw IoError("--out: cannot create directory '" + root.string() + "': " + ec.message());
  std::string listing;
  for (size_t v = 0; v < videos.size(); ++v) {
    const fs::path dir = root / videoName(v);
    fs::create_directories(dir, ec);
    if (ec) throw IoError("--out: cannot create directory '" + dir.string() + "': " + ec.message());
    for (int64_t f = 0; f < videos[v].size(0); ++f) writePng(dir / frameName(f), videos[v][f]);
    listing += videoName(v) + "\t" + prompts[v] + "\n";
  }
  std::ofstream out(root / "prompts.txt", std::ios::binary);
  out << listing;
  if (!out) throw IoError("cannot write '" + (root / "prompts.txt").string() + "'");
}

void runSample(SampleArgs a) {
  const OutputKind outputKind = outputKindOf(a.out);
  a.model = resolveModelPath(a.model).string();  // builtin:NAME, as in eval and compare
  {
    SamplingChoice choice{a.sampler, a.steps, a.timesteps, a.cfg};
    if (applyPackageSampling(a.model, a.samplingGiven, choice)) {
      a.sampler = choice.sampler;
      a.steps = choice.steps;
      a.timesteps = choice.timesteps;
      a.cfg = choice.cfg;
    }
  }
  GenerationModels models = GenerationModels::load(a.model);

  GenerateRequest base;
  try {
    base.sampler = diffusion::parseSamplerKind(a.sampler);
    diffusion::parseSpacing(a.spacing);
  } catch (const ConfigError& e) {
    throw ConfigError(std::string("--sampler/--spacing: ") + e.what());
  }
  base.steps = a.steps;
  base.cfg = a.cfg;
  base.cfgInterval = cfgIntervalOption(a.cfgInterval);
  base.seed = a.seed;
  base.spacing = a.spacing;
  base.eta = a.eta;
  base.timesteps = a.timesteps;
  base.pinFirstFrame = a.pinFirstFrame;
  base.guideTextOnly = a.guideTextOnly;

  torch::Tensor frame;
  if (!a.image.empty()) {
    if (!models.isImageToVideo())
      throw ConfigError("--image: '" + a.model + "' is a " + models.model.kind + ", not an image-to-video model");
    frame = readFirstFrame(a.image);
    if (frame.size(2) != models.frameHeight() || frame.size(3) != models.frameWidth()) {
      throw ConfigError("--image '" + a.image + "' is " + std::to_string(frame.size(3)) + "x" +
                        std::to_string(frame.size(2)) + " but the model makes " +
                        std::to_string(models.frameWidth()) + "x" + std::to_string(models.frameHeight()) + " frames");
    }
  } else if (models.isImageToVideo()) {
    throw ConfigError("--image is required: '" + a.model + "' is an image-to-video model");
  }

  // Each prompt --count times; video i is sample i of the seed whatever the batching.
  std::vector<std::string> prompts;
  for (const auto& p : a.prompts.empty() ? std::vector<std::string>{""} : a.prompts)
    prompts.insert(prompts.end(), static_cast<size_t>(a.count), p);

  std::vector<torch::Tensor> videos;
  int64_t nfe = 0;
  double milliseconds = 0;
  for (size_t begin = 0; begin < prompts.size(); begin += static_cast<size_t>(a.batchSize)) {
    const size_t end = std::min(prompts.size(), begin + static_cast<size_t>(a.batchSize));
    GenerateRequest request = base;
    request.prompts.assign(prompts.begin() + static_cast<std::ptrdiff_t>(begin),
                           prompts.begin() + static_cast<std::ptrdiff_t>(end));
    request.firstIndex = static_cast<int64_t>(begin);
    if (frame.defined()) request.firstFrames = frame.expand({static_cast<int64_t>(end - begin), -1, -1, -1});
    const GenerateResult result = generate(models, request);
    for (int64_t b = 0; b < result.videos.size(0); ++b) videos.push_back(result.videos[b]);
    nfe = result.nfe;
    milliseconds += result.milliseconds;
    std::printf("videos %zu-%zu: NFE %lld, %.1f ms per clip\n", begin, end - 1, static_cast<long long>(result.nfe),
                result.milliseconds / static_cast<double>(end - begin));
  }

  if (outputKind == OutputKind::contactSheet) {
    const fs::path file(a.out);
    if (file.has_parent_path()) fs::create_directories(file.parent_path());
    writePng(file, contactSheet(videos, a.scale, kSheetPadding));
  } else if (outputKind == OutputKind::video) {
    writeClips(a.out, videos, prompts, "", a.scale, a.video);
  } else {
    writeFrameFolders(a.out, videos, prompts);
  }
  std::printf("wrote %zu video(s) of %lld frame(s) to %s: NFE %lld per clip, %.1f ms per clip (sampler %s)\n",
              videos.size(), static_cast<long long>(models.frames()), a.out.c_str(), static_cast<long long>(nfe),
              milliseconds / static_cast<double>(videos.size()), a.sampler.c_str());
}

}  // namespace

void registerSampleCommands(CLI::App& app) {
  auto args = std::make_shared<SampleArgs>();
  auto* sample = app.add_subcommand("sample", "Generate videos from a diffusion model package (text or image to video)");
  sample->add_option("--model", args->model,
                     "Diffusion model package folder (image_unet, video_unet or i2v_unet), or builtin:NAME for a shipped one")
      ->required();
  sample->add_option("--prompt", args->prompts, "Text prompt; repeat for several videos (default: the empty prompt)");
  sample->add_option("--image", args->image, "First frame (PNG of the model's frame size), image-to-video models only");
  sample->add_option("--sampler", args->sampler, "ddim, euler, heun, dpmpp_2m or consistency")->capture_default_str();
  sample->add_option("--steps", args->steps, "Sampling steps")->capture_default_str()->check(CLI::Range(1, 1000));
  sample->add_option("--cfg", args->cfg, "Classifier-free guidance weight (1: no guidance)")->capture_default_str();
  addCfgIntervalOption(sample, args->cfgInterval);
  sample->add_option("--seed", args->seed, "Seed; video i uses a noise stream derived from (seed, i)")
      ->capture_default_str();
  sample->add_option("--out", args->out,
                     "Output: FILE.mp4, FILE.webm or FILE.gif for a video (several videos make a grid with a "
                     "row per prompt), FILE.png for a contact sheet (one row per video), or a directory for "
                     "frame PNGs per video")
      ->required();
  sample->add_option("--count", args->count, "Videos per prompt")->capture_default_str()->check(CLI::Range(1, kMaxCount));
  sample->add_option("--spacing", args->spacing, "DDPM timestep spacing: leading, trailing or linspace")
      ->capture_default_str();
  sample->add_option("--eta", args->eta, "DDIM stochasticity (0: deterministic)")->capture_default_str();
  sample->add_option("--timesteps", args->timesteps,
                     "Explicit timesteps, noisiest first (sigmas for EDM models); overrides --steps")
      ->delimiter(',');
  sample->add_option("--batch-size", args->batchSize, "Videos per network batch")
      ->capture_default_str()
      ->check(CLI::Range(1, 4096));
  sample->add_option("--scale", args->scale, "Nearest-neighbour upscaling of the contact sheet or video")
      ->capture_default_str()
      ->check(CLI::Range(1, kMaxScale));
  sample->add_flag("--pin-first-frame", args->pinFirstFrame,
                   "Image-to-video models: replace frame 0 of every denoised estimate with the --image frame's "
                   "latent, so the clip starts from it exactly");
  sample->add_flag("--guide-text-only", args->guideTextOnly,
                   "Image-to-video models with --cfg: the unguided branch keeps the --image frame and drops only "
                   "the prompt, so guidance amplifies the prompt alone (by default both are dropped, as in SVD)");
  addVideoOutputOptions(sample, args->video);
  sample->callback([args, sample] {
    args->samplingGiven = sample->count("--sampler") + sample->count("--steps") + sample->count("--timesteps") +
                              sample->count("--cfg") > 0;
    runSample(*args);
  });
}

}  // namespace vds::cli
