// `vdstudio-cli world ...`: the built-in Shapes world.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <vector>

#include "cli/cli_common.h"
#include "core/errors.h"
#include "core/progress.h"
#include "data/shapes_world.h"
#include "io/image_io.h"

namespace vds::cli {
namespace {

namespace fs = std::filesystem;


struct RenderArgs {
  std::string style = "plain";
  int count = 8;
  std::string out;
  std::string split = "train";
  uint64_t seed = 0;
  int frames = 8;
  int size = 32;
  int scale = 4;
  int maxObjects = 2;
};

// ConfigError that names the command-line option at fault.
void requireInRange(const char* option, int value, int lo, int hi) {
  if (value < lo || value > hi)
    throw ConfigError(std::string(option) + " must be in [" + std::to_string(lo) + ", " + std::to_string(hi) +
                      "], got " + std::to_string(value));
}

void createDirectory(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw IoError("--out: cannot create directory '" + dir.string() + "': " + ec.message());
}

void writeText(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out) throw IoError("cannot write '" + path.string() + "'");
}

std::string clipName(int64_t index) {
  char name[32];
  std::snprintf(name, sizeof name, "clip_%04lld", static_cast<long long>(index));
  return name;
}

std::string frameName(int frame) {
  char name[32];
  std::snprintf(name, sizeof name, "frame_%02d.png", frame);
  return name;
}

// Writes captions.txt (name TAB caption) and captions.json (the structured specs).
void writeCaptions(const fs::path& dir, const std::vector<ClipSpec>& specs) {
  std::string text;
  nlohmann::json json = nlohmann::json::array();
  for (const ClipSpec& s : specs) {
    text += clipName(s.index) + "\t" + s.caption + "\n";
    nlohmann::json entry = toJson(s);
    entry["name"] = clipName(s.index);
    json.push_back(std::move(entry));
  }
  writeText(dir / "captions.txt", text);
  writeText(dir / "captions.json", json.dump(2) + "\n");
}

void runRender(const RenderArgs& a) {
  requireInRange("--count", a.count, 1, kMaxCount);
  requireInRange("--scale", a.scale, 1, kMaxScale);
  requireInRange("--size", a.size, kWorldMinSide, kWorldMaxSide);
  requireInRange("--frames", a.frames, 1, kWorldMaxFrames);
  requireInRange("--max-objects", a.maxObjects, 1, kWorldMaxObjects);
  const Split split = parseOption("--split", a.split, parseSplit);
  std::vector<Style> styles;
  if (a.style == "all")
    styles.assign(kAllStyles.begin(), kAllStyles.end());
  else
    styles.push_back(parseOption("--style", a.style, parseStyle));

  WorldOptions options;
  options.width = options.height = a.size;
  options.frames = a.frames;
  options.maxObjects = a.maxObjects;
  options.seed = a.seed;
  const ShapesWorld world(options);

  const fs::path root(a.out);
  createDirectory(root);
  std::vector<ClipSpec> specs;
  for (int64_t i = 0; i < a.count; ++i) specs.push_back(world.spec(split, i));
  writeCaptions(root, specs);

  ProgressBar bar(isatty(fileno(stderr)) != 0);
  ProgressTracker progress("render", static_cast<int64_t>(a.count) * static_cast<int64_t>(styles.size()),
                           [&bar](const ProgressUpdate& u) { bar(u); });
  // Combined sheet for --style all: each clip's styles on consecutive rows.
  std::vector<std::vector<torch::Tensor>> byClip(specs.size());
  for (Style style : styles) {
    const fs::path dir = styles.size() == 1 ? root : root / styleName(style);
    if (styles.size() > 1) {
      createDirectory(dir);
      writeCaptions(dir, specs);
    }
    std::vector<torch::Tensor> clips;
    for (size_t i = 0; i < specs.size(); ++i) {
      const torch::Tensor clip = world.render(specs[i], style);
      const fs::path clipDir = dir / clipName(specs[i].index);
      createDirectory(clipDir);
      for (int f = 0; f < clip.size(0); ++f) writePng(clipDir / frameName(f), clip[f]);
      clips.push_back(clip);
      byClip[i].push_back(clip);
      progress.advance();
    }
    writePng(dir / "contact_sheet.png", contactSheet(clips, a.scale, kSheetPadding));
  }
  bar.finish();
  if (styles.size() > 1) {
    std::vector<torch::Tensor> rows;
    for (auto& group : byClip) rows.insert(rows.end(), group.begin(), group.end());
    writePng(root / "contact_sheet.png", contactSheet(rows, a.scale, kSheetPadding));
  }
  std::printf("wrote %d clip(s) x %zu style(s) of the %s split to %s\n", a.count, styles.size(), splitName(split),
              root.string().c_str());
}

}  // namespace

void registerWorldCommands(CLI::App& app) {
  auto* world = app.add_subcommand("world", "The built-in Shapes text-to-video world");
  world->require_subcommand(1);

  auto* styles = world->add_subcommand("styles", "List the render styles");
  styles->callback([] {
    for (Style s : kAllStyles) std::printf("%-8s %s\n", styleName(s), styleDescription(s));
  });

  auto args = std::make_shared<RenderArgs>();
  auto* render = world->add_subcommand(
      "render", "Render Shapes clips to PNG frames, a contact sheet and captions (txt and json)");
  render->add_option("--style", args->style, "Render style (see `world styles`), or 'all' for one subfolder each")
      ->capture_default_str();
  render->add_option("--count", args->count, "Number of clips, indices 0..count-1 of the split")
      ->capture_default_str();
  render->add_option("--out", args->out, "Output directory (created if missing)")->required();
  render->add_option("--split", args->split, "Which split: train or heldout")->capture_default_str();
  render->add_option("--seed", args->seed, "World seed; with the split and index it fixes each clip")
      ->capture_default_str();
  render->add_option("--frames", args->frames, "Frames per clip")->capture_default_str();
  render->add_option("--size", args->size, "Frame width and height in pixels")->capture_default_str();
  render->add_option("--max-objects", args->maxObjects, "At most this many objects per clip (1-4)")
      ->capture_default_str();
  render->add_option("--scale", args->scale, "Nearest-neighbour upscaling of the contact sheet")
      ->capture_default_str();
  render->callback([args] { runRender(*args); });
}

}  // namespace vds::cli
