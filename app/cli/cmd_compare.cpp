// `vdstudio-cli compare`: the teacher against its few-step students. Rows are prompts;
// columns are the teacher at N steps with guidance, the teacher at each of --steps
// (the few-step baseline a student must beat), and each student at the timesteps it was
// distilled for. Writes a labelled comparison grid (a video: every cell plays in step),
// and a metrics table per column.
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "cli/cli_common.h"
#include "core/errors.h"
#include "core/paths.h"
#include "data/dataset.h"
#include "eval/evaluate.h"
#include "io/atomic_file.h"
#include "io/composite.h"
#include "io/image_io.h"
#include "io/video_encoder.h"
#include "pipeline/generate.h"

namespace fs = std::filesystem;

namespace vds::cli {
namespace {

struct CompareArgs {
  std::string teacher = "builtin:t2v-teacher";
  std::vector<std::string> students;
  std::vector<int> steps{1, 2, 4};
  int teacherSteps = 25;
  double cfg = 4.0;
  std::string promptsFile;
  int prompts = 4;
  uint64_t seed = 0;
  int64_t n = 0;  // clips per column for the metrics; 0: grid and speed only
  std::string evalNet = "builtin:eval-net";
  std::string out = "compare";
  int scale = 4;
  std::string format = "gif";
  double fps = kDefaultVideoFps;
};

struct Column {
  std::string label;
  fs::path model;
  SamplingChoice sampling;
};

// A student given as a package folder, or as a run folder holding export/.
fs::path studentPackage(const std::string& given) {
  const fs::path p = resolveModelPath(given);
  if (fs::exists(p / "model.yaml")) return p;
  if (fs::exists(p / "export" / "model.yaml")) return p / "export";
  throw ConfigError("--students: '" + given + "' is neither a model package nor a run folder with an export/");
}

std::vector<std::string> loadPrompts(const CompareArgs& a) {
  std::vector<std::string> out;
  if (!a.promptsFile.empty()) {
    std::ifstream in(a.promptsFile);
    if (!in) throw IoError("--prompts: cannot read '" + a.promptsFile + "'");
    for (std::string line; std::getline(in, line);)
      if (!line.empty() && line[0] != '#') out.push_back(line);
    if (out.empty()) throw ConfigError("--prompts: '" + a.promptsFile + "' has no prompts (one per line)");
    return out;
  }
  // The first captions of the Shapes held-out split, the same ones eval uses.
  WorldOptions world;
  world.seed = kEvalWorldSeed;
  ShapesDataset data(world, Split::heldout, a.prompts);
  for (int64_t i = 0; i < data.size(); ++i) out.push_back(data.get(i).caption);
  return out;
}

std::string fmtOpt(const std::optional<double>& v, const char* format) {
  if (!v) return "-";
  char buf[64];
  std::snprintf(buf, sizeof buf, format, *v);
  return buf;
}

void runCompare(const CompareArgs& a) {
  std::vector<Column> columns;
  const fs::path teacher = resolveModelPath(a.teacher);
  columns.push_back({"teacher " + std::to_string(a.teacherSteps) + " steps cfg " + fmtOpt(a.cfg, "%g"), teacher,
                     {"ddim", a.teacherSteps, {}, a.cfg}});
  for (int k : a.steps) {
    if (k < 1) throw ConfigError("--steps: step counts must be >= 1");
    columns.push_back({"teacher " + std::to_string(k) + " steps cfg " + fmtOpt(a.cfg, "%g"), teacher, {"ddim", k, {}, a.cfg}});
  }
  for (const auto& s : a.students) {
    Column c;
    c.model = studentPackage(s);
    if (!applyPackageSampling(c.model, false, c.sampling))
      throw ConfigError("--students: '" + s + "' records no sampling timesteps; is it a distilled student?");
    c.label = fs::path(s).filename().string() + " " + std::to_string(c.sampling.timesteps.size()) + " steps";
    columns.push_back(c);
  }
  const std::vector<std::string> prompts = loadPrompts(a);

  // The grid: per prompt, one row per column (frames left to right).
  std::vector<std::vector<torch::Tensor>> cells(prompts.size());
  nlohmann::json report;
  report["prompts"] = prompts;
  report["seed"] = a.seed;
  std::string table = "| column | steps | NFE | ms/clip | FVD-S | prompt acc | style acc | flicker ratio |\n"
                      "| --- | --- | --- | --- | --- | --- | --- | --- |\n";
  for (size_t c = 0; c < columns.size(); ++c) {
    const Column& col = columns[c];
    GenerationModels models = GenerationModels::load(col.model);
    GenerateRequest r;
    r.prompts = prompts;
    r.sampler = diffusion::parseSamplerKind(col.sampling.sampler);
    r.steps = col.sampling.steps;
    r.timesteps = col.sampling.timesteps;
    r.cfg = col.sampling.cfg;
    r.seed = a.seed;
    const GenerateResult g = generate(models, r);
    for (size_t p = 0; p < prompts.size(); ++p) cells[p].push_back(g.videos[static_cast<int64_t>(p)]);
    nlohmann::json entry;
    entry["label"] = col.label;
    entry["model"] = col.model.string();
    entry["sampler"] = col.sampling.sampler;
    entry["steps"] = col.sampling.timesteps.empty() ? col.sampling.steps : static_cast<int>(col.sampling.timesteps.size());
    entry["timesteps"] = col.sampling.timesteps;
    entry["cfg"] = col.sampling.cfg;
    entry["nfe"] = g.nfe;
    entry["ms_per_clip"] = g.milliseconds / static_cast<double>(prompts.size());
    MetricReport m;
    if (a.n > 0) {
      EvalOptions o;
      o.model = col.model;
      o.evalNet = resolveModelPath(a.evalNet);
      o.n = a.n;
      o.seed = a.seed;
      o.sampler = r.sampler;
      o.steps = r.steps;
      o.timesteps = r.timesteps;
      o.cfg = r.cfg;
      std::fprintf(stderr, "metrics of '%s' on %lld clips\n", col.label.c_str(), static_cast<long long>(a.n));
      m = evaluateModel(o);
      entry["metrics"] = m.toJson();
    }
    report["columns"].push_back(entry);
    table += "| " + col.label + " | " + std::to_string(entry["steps"].get<int>()) + " | " + std::to_string(g.nfe) + " | " +
             fmtOpt(entry["ms_per_clip"].get<double>(), "%.1f") + " | " + fmtOpt(m.fvd, "%.2f") + " | " +
             fmtOpt(m.promptAccuracy ? std::optional<double>(100 * *m.promptAccuracy) : std::nullopt, "%.1f%%") + " | " +
             fmtOpt(m.styleAccuracy ? std::optional<double>(100 * *m.styleAccuracy) : std::nullopt, "%.1f%%") + " | " +
             fmtOpt(m.flickerRatio(), "%.2f") + " |\n";
  }

  fs::create_directories(a.out);
  std::vector<torch::Tensor> grid;  // row by row: one row per prompt, one column per model
  for (const auto& promptCells : cells)
    for (const auto& clip : promptCells) grid.push_back(clip);
  GridOptions layout;
  layout.columns = static_cast<int64_t>(columns.size());
  for (const auto& c : columns) layout.columnLabels.push_back(c.label);
  layout.rowLabels = prompts;
  layout.scale = a.scale;
  layout.title = "seed " + std::to_string(a.seed);
  const torch::Tensor composite = compositeGrid(grid, layout);
  VideoEncodeSettings video;
  video.fps = a.fps;
  const fs::path gridFile = fs::path(a.out) / ("grid." + a.format);
  encodeVideo(gridFile, composite, video);
  writePng(fs::path(a.out) / "grid-first-frame.png", composite[0]);
  writeFileAtomic(fs::path(a.out) / "compare.json", report.dump(2) + "\n");
  writeFileAtomic(fs::path(a.out) / "table.md", table);
  std::printf("%s\nwrote %s, grid-first-frame.png, table.md and compare.json in %s\n", table.c_str(),
              gridFile.filename().c_str(), a.out.c_str());
}

}  // namespace

void registerCompareCommands(CLI::App& app) {
  auto a = std::make_shared<CompareArgs>();
  auto* cmd = app.add_subcommand("compare", "Teacher against its few-step students: a comparison grid and a metrics table");
  cmd->add_option("--teacher", a->teacher, "Teacher package")->capture_default_str();
  cmd->add_option("--students", a->students, "Student packages or run folders (their export/); repeatable");
  cmd->add_option("--steps", a->steps, "Few-step teacher columns (DDIM with --cfg), e.g. 1,2,4")->delimiter(',')->capture_default_str();
  cmd->add_option("--teacher-steps", a->teacherSteps, "Steps of the reference teacher column")->capture_default_str();
  cmd->add_option("--cfg", a->cfg, "Guidance of the teacher columns (students sample as distilled)")->capture_default_str();
  cmd->add_option("--prompts", a->promptsFile, "Prompt file, one per line (default: held-out Shapes captions)");
  cmd->add_option("--count", a->prompts, "Held-out prompts when --prompts is not given")->capture_default_str()->check(CLI::Range(1, 256));
  cmd->add_option("--seed", a->seed, "Seed: every column gets the same initial noise per prompt")->capture_default_str();
  cmd->add_option("--n", a->n, "Clips per column for FVD-S and accuracies (0: speed only)")->capture_default_str();
  cmd->add_option("--evalnet", a->evalNet, "Eval net package for the metrics")->capture_default_str();
  cmd->add_option("--out", a->out, "Output folder")->capture_default_str();
  cmd->add_option("--scale", a->scale, "Nearest-neighbour upscaling of the grid")->capture_default_str()->check(CLI::Range(1, kMaxScale));
  cmd->add_option("--format", a->format, "Grid video format: gif (lossless), mp4 or webm")
      ->capture_default_str()
      ->check(CLI::IsMember({"gif", "mp4", "webm"}));
  cmd->add_option("--fps", a->fps, "Frames per second of the grid video")->capture_default_str();
  cmd->callback([a] { runCompare(*a); });
}

}  // namespace vds::cli
