// `vdstudio-cli export`: turns what the studio makes into a video file. The input is
//  - a run folder: the sample sheets of its latest (or --step) sample step, one grid
//    row per sheet, labelled with the sheet's name;
//  - a PNG contact sheet (one clip per row, as `sample` and the Trainer write them);
//  - a folder of frame PNGs (one clip), or of such folders (one clip each, labelled
//    from prompts.txt when `sample` wrote it);
//  - a video file FFmpeg reads (re-encoded);
//  - or, with --model and --prompt, a text-to-video package to generate from.
// The format follows --out: .mp4, .webm, .gif, or .png / a directory for PNG frames.
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "cli/cli_common.h"
#include "core/errors.h"
#include "io/image_io.h"
#include "io/video_decoder.h"
#include "pipeline/generate.h"

namespace vds::cli {
namespace {

namespace fs = std::filesystem;

struct ExportArgs {
  std::string input;
  std::string model;
  std::vector<std::string> prompts;
  int count = 1;
  int steps = 25;
  double cfg = 1.0;
  uint64_t seed = 0;
  std::string sampler = "ddim";
  int64_t step = -1;  // run folders: -1 is the latest sample step
  std::string title;
  std::string out;
  int scale = 1;
  VideoOutputArgs video;
};

// What to export: clips with a label each (possibly empty) and a title.
struct ExportInput {
  std::vector<torch::Tensor> clips;
  std::vector<std::string> labels;
  std::string title;
};

std::string lowerExtension(const fs::path& p) {
  std::string ext = p.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  return ext;
}

std::vector<fs::path> sortedEntries(const fs::path& dir, bool directories) {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().filename().string().front() == '.') continue;
    if (directories ? e.is_directory() : (e.is_regular_file() && lowerExtension(e.path()) == ".png"))
      out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// A folder of frame PNGs as one clip; frames must share one size.
torch::Tensor readFrameFolder(const fs::path& dir) {
  std::vector<torch::Tensor> frames;
  for (const fs::path& png : sortedEntries(dir, false)) {
    torch::Tensor image = readPng(png);
    if (image.size(2) < 3) image = image.narrow(2, 0, 1).repeat({1, 1, 3});
    frames.push_back(image.narrow(2, 0, 3).contiguous());
    if (frames.back().sizes() != frames.front().sizes())
      throw FormatError("--input: frame '" + png.string() + "' is " + c10::str(frames.back().sizes()) +
                        " but the first frame of '" + dir.string() + "' is " + c10::str(frames.front().sizes()));
  }
  if (frames.empty()) throw ConfigError("--input: '" + dir.string() + "' holds no PNG frames");
  return torch::stack(frames);
}

std::vector<torch::Tensor> readSheet(const fs::path& file) {
  torch::Tensor image = readPng(file);
  if (image.size(2) < 3) throw FormatError("--input: '" + file.string() + "' is not an RGB contact sheet");
  return splitContactSheet(image, file.string());
}

// prompts.txt as `sample` writes it: "<video folder>\t<prompt>" per line.
std::map<std::string, std::string> readPrompts(const fs::path& file) {
  std::map<std::string, std::string> prompts;
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    const size_t tab = line.find('\t');
    if (tab != std::string::npos) prompts[line.substr(0, tab)] = line.substr(tab + 1);
  }
  return prompts;
}

ExportInput fromRunFolder(const fs::path& run, int64_t step) {
  const fs::path samples = run / "samples";
  std::vector<fs::path> steps = sortedEntries(samples, true);
  if (steps.empty()) throw ConfigError("--input: run '" + run.string() + "' has no sample steps under samples/");
  fs::path chosen = steps.back();
  if (step >= 0) {
    char name[32];
    std::snprintf(name, sizeof name, "step-%06lld", static_cast<long long>(step));
    chosen = samples / name;
    if (!fs::is_directory(chosen)) {
      std::string have;
      for (const auto& s : steps) have += (have.empty() ? "" : ", ") + s.filename().string();
      throw ConfigError("--step " + std::to_string(step) + ": run '" + run.string() + "' has no " + name +
                        " (it has " + have + ")");
    }
  }
  ExportInput in;
  in.title = run.filename().string() + " " + chosen.filename().string();
  std::vector<std::vector<torch::Tensor>> rows;
  size_t widest = 0;
  for (const fs::path& sheet : sortedEntries(chosen, false)) {
    rows.push_back(readSheet(sheet));
    widest = std::max(widest, rows.back().size());
  }
  if (rows.empty()) throw ConfigError("--input: '" + chosen.string() + "' holds no sample sheets");
  const auto sheets = sortedEntries(chosen, false);
  for (size_t r = 0; r < rows.size(); ++r) {
    // A sheet with fewer clips is filled with blank cells, so every row has the same columns.
    while (rows[r].size() < widest)
      rows[r].push_back(torch::full({1, rows[r].front().size(1), rows[r].front().size(2), 3}, kContactSheetPadValue,
                                    torch::kUInt8));
    for (auto& clip : rows[r]) {
      in.clips.push_back(clip);
      in.labels.push_back(sheets[r].stem().string());
    }
  }
  return in;
}

ExportInput fromInput(const ExportArgs& a) {
  const fs::path input(a.input);
  if (!fs::exists(input)) throw ConfigError("--input: '" + a.input + "' does not exist");
  ExportInput in;
  if (fs::is_directory(input)) {
    if (fs::is_directory(input / "samples")) return fromRunFolder(input, a.step);
    if (!sortedEntries(input, false).empty()) {
      in.clips.push_back(readFrameFolder(input));
      in.labels.emplace_back();
      return in;
    }
    const auto prompts = readPrompts(input / "prompts.txt");
    for (const fs::path& dir : sortedEntries(input, true)) {
      in.clips.push_back(readFrameFolder(dir));
      const auto it = prompts.find(dir.filename().string());
      in.labels.push_back(it != prompts.end() ? it->second : dir.filename().string());
    }
    if (in.clips.empty())
      throw ConfigError("--input: '" + a.input + "' is not a run folder and holds no PNG frames or frame folders");
    return in;
  }
  if (lowerExtension(input) == ".png") {
    in.clips = readSheet(input);
    in.labels.assign(in.clips.size(), "");
    return in;
  }
  in.clips.push_back(decodeVideo(input).frames);
  in.labels.emplace_back();
  return in;
}

ExportInput fromModel(const ExportArgs& a) {
  GenerationModels models = GenerationModels::load(a.model);
  if (models.isImageToVideo())
    throw ConfigError("--model: '" + a.model +
                      "' is an image-to-video model; use 'vdstudio-cli sample --image FIRST.png --out FILE.mp4'");
  GenerateRequest request;
  request.sampler = parseOption("--sampler", a.sampler, diffusion::parseSamplerKind);
  request.steps = a.steps;
  request.cfg = a.cfg;
  request.seed = a.seed;
  for (const auto& p : a.prompts.empty() ? std::vector<std::string>{""} : a.prompts)
    request.prompts.insert(request.prompts.end(), static_cast<size_t>(a.count), p);
  const GenerateResult result = generate(models, request);
  ExportInput in;
  for (int64_t b = 0; b < result.videos.size(0); ++b) in.clips.push_back(result.videos[b]);
  in.labels = request.prompts;
  std::printf("generated %zu video(s): NFE %lld, %.1f ms per clip\n", in.clips.size(),
              static_cast<long long>(result.nfe), result.milliseconds / static_cast<double>(in.clips.size()));
  return in;
}

void runExport(const ExportArgs& a) {
  if (a.input.empty() == a.model.empty()) throw ConfigError("give exactly one of --input and --model");
  if (!a.prompts.empty() && a.model.empty()) throw ConfigError("--prompt needs --model");
  // Fail on a bad --out before any work.
  parseOption("--out", a.out, [](const std::string& o) { return videoFormatFromPath(o); });
  ExportInput in = a.model.empty() ? fromInput(a) : fromModel(a);
  if (!a.title.empty()) in.title = a.title;
  const EncodeReport report = writeClips(a.out, in.clips, in.labels, in.title, a.scale, a.video);
  std::printf("wrote %s: %zu clip(s), %lld frame(s) of %lldx%lld, %s, %llu bytes\n", report.path.string().c_str(),
              in.clips.size(), static_cast<long long>(report.frames), static_cast<long long>(report.width),
              static_cast<long long>(report.height), videoFormatName(report.format),
              static_cast<unsigned long long>(report.bytes));
}

}  // namespace

void registerExportCommands(CLI::App& app) {
  auto args = std::make_shared<ExportArgs>();
  auto* cmd = app.add_subcommand("export", "Write samples, contact sheets, frame folders or generated clips as a video");
  cmd->add_option("--input", args->input,
                  "A run folder (its sample sheets), a PNG contact sheet, a folder of frame PNGs (or of frame "
                  "folders), or a video file");
  cmd->add_option("--model", args->model, "A text-to-video package to generate from (instead of --input)");
  cmd->add_option("--prompt", args->prompts, "Prompt for --model; repeat for several");
  cmd->add_option("--count", args->count, "Videos per prompt (--model)")->capture_default_str()->check(CLI::Range(1, kMaxCount));
  cmd->add_option("--steps", args->steps, "Sampling steps (--model)")->capture_default_str()->check(CLI::Range(1, 1000));
  cmd->add_option("--cfg", args->cfg, "Guidance weight (--model)")->capture_default_str();
  cmd->add_option("--seed", args->seed, "Seed (--model)")->capture_default_str();
  cmd->add_option("--sampler", args->sampler, "Sampler (--model): ddim, euler, heun, dpmpp_2m or consistency")
      ->capture_default_str();
  cmd->add_option("--step", args->step, "Run folders: the sample step to export (default: the latest)");
  cmd->add_option("--title", args->title, "Caption row over the video");
  cmd->add_option("--out", args->out, "FILE.mp4, FILE.webm, FILE.gif, or FILE.png / a directory for PNG frames")
      ->required();
  cmd->add_option("--scale", args->scale, "Nearest-neighbour upscaling")->capture_default_str()->check(CLI::Range(1, kMaxScale));
  addVideoOutputOptions(cmd, args->video);
  cmd->callback([args] { runExport(*args); });
}

}  // namespace vds::cli
