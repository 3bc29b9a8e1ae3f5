// `vdstudio-cli train JOB`: runs a training job (a pre-training of the built-in world,
// or later a distillation method) on the shared Trainer, with progress, ETA, samples,
// checkpoints, resume, and Ctrl-C that saves before it exits.
#include <atomic>
#include <chrono>
#include <csignal>
#include <thread>
#include <unistd.h>

#include "cli/cli_common.h"
#include "core/errors.h"
#include "core/log.h"
#include "core/paths.h"
#include "methods/registry.h"
#include "methods/run_setup.h"
#include "train/checkpoint.h"
#include "train/metrics_recorder.h"
#include "train/trainer.h"

namespace fs = std::filesystem;

namespace vds::cli {
namespace {

// Set by SIGINT/SIGTERM; a watcher turns it into a StopCommand (signal handlers may
// only touch lock-free atomics).
std::atomic<int> gInterrupts{0};
extern "C" void onInterrupt(int) { gInterrupts.fetch_add(1); }

// Prints the Trainer's events: a progress bar, periodic losses, samples, checkpoints.
class ConsoleSink : public EventSink {
 public:
  explicit ConsoleSink(bool interactive) : bar_(interactive) {}
  void post(const Event& event) override {
    if (const auto* p = std::get_if<ProgressEvent>(&event)) {
      ProgressUpdate u;
      u.label = "train";
      u.done = p->step;
      u.total = p->totalSteps;
      u.elapsedSeconds = p->elapsedSeconds;
      u.etaSeconds = p->etaSeconds;
      u.ratePerSecond = p->iterationsPerSecond;
      bar_(u);
    } else if (const auto* s = std::get_if<ScalarsEvent>(&event)) {
      std::string line;
      for (const auto& [k, v] : s->values)
        if (k.rfind("loss/", 0) == 0) line += fmt::format(" {}={:.5g}", k.substr(5), v);
      if (s->step - lastLogged_ >= logInterval_) {
        bar_.finish();
        logger()->info("step {}:{}", s->step, line);
        lastLogged_ = s->step;
      }
    } else if (const auto* c = std::get_if<CheckpointEvent>(&event)) {
      bar_.finish();
      logger()->info("checkpoint {}", c->path);
    } else if (const auto* sm = std::get_if<SampleEvent>(&event)) {
      bar_.finish();
      logger()->info("sample '{}' at step {}: {}", sm->label, sm->step, sm->path);
    } else if (const auto* l = std::get_if<LogEvent>(&event)) {
      bar_.finish();
      if (l->level == LogEvent::Level::Info) logger()->info("{}", l->text);
      else logger()->warn("{}", l->text);
    } else if (const auto* st = std::get_if<StatusEvent>(&event)) {
      if (!st->message.empty()) logger()->info("status at step {}: {}", st->step, st->message);
    }
  }
  void setLogInterval(int64_t steps) { logInterval_ = std::max<int64_t>(1, steps); }
  void finish() { bar_.finish(); }

 private:
  ProgressBar bar_;
  int64_t lastLogged_ = 0;
  int64_t logInterval_ = 100;
};

struct TrainArgs {
  std::string job;
  std::string preset;
  std::string configFile;
  std::string out;
  std::string exportDir;
  std::vector<std::string> sets;
  int64_t steps = 0;
  bool resume = false;
};

Config loadJobConfig(const TrainArgs& a) {
  YAML::Node user;
  std::string source;
  if (!a.configFile.empty()) {
    user = loadYamlFile(a.configFile);
    source = a.configFile;
  } else {
    const fs::path preset = resourcesDir() / "presets" / ("train-" + a.job + "-" + a.preset + ".yaml");
    if (!fs::exists(preset))
      throw ConfigError("--preset '" + a.preset + "' has no file " + preset.string() +
                        " (presets: cpu-small, gpu-medium)");
    user = loadYamlFile(preset);
    source = preset.string();
  }
  if (!user || user.IsNull()) user = YAML::Node(YAML::NodeType::Map);
  if (!a.job.empty()) {
    const YAML::Node given = user["method"] ? user["method"]["name"] : YAML::Node();
    if (given && given.IsScalar() && given.Scalar() != a.job)
      throw ConfigError(source + ": method.name is '" + given.Scalar() + "' but the job is '" + a.job + "'");
    user["method"]["name"] = a.job;
  }
  Config config = resolveRunConfig(user, source);
  applyOverrides(config, a.sets);
  if (a.steps > 0) config.set("trainer.steps", a.steps);
  return config;
}

void runTraining(const TrainArgs& a) {
  Config config = [&] {
    if (a.resume && !a.out.empty() && fs::exists(fs::path(a.out) / "config.yaml") && a.configFile.empty()) {
      Config c = loadRunConfig(fs::path(a.out) / "config.yaml");
      applyOverrides(c, a.sets);
      if (a.steps > 0) c.set("trainer.steps", a.steps);
      return c;
    }
    return loadJobConfig(a);
  }();
  RunPaths paths;
  paths.root = a.out.empty() ? defaultRunDir(config) : fs::path(a.out);
  paths.exportDir = a.exportDir;
  if (!a.resume && latestCheckpoint(paths.checkpoints()))
    throw ConfigError("run folder " + paths.root.string() + " already has checkpoints; pass --resume to continue it");

  ConsoleSink console(isatty(STDERR_FILENO));
  console.setLogInterval(std::max<int64_t>(1, config.get<int64_t>("trainer.steps") / 20));
  fs::create_directories(paths.root);
  MetricsRecorder recorder(paths.metrics());
  FanOutSink sinks;
  sinks.add(&console);
  sinks.add(&recorder);

  const std::unique_ptr<Trainer> owned = prepareRun(config, paths, &sinks);
  Trainer& trainer = *owned;
  if (a.resume && !trainer.resumeLatest()) logger()->info("no checkpoint in {}: starting fresh", paths.root.string());
  logger()->info("run folder {}", paths.root.string());

  gInterrupts = 0;
  std::signal(SIGINT, onInterrupt);
  std::signal(SIGTERM, onInterrupt);
  std::atomic<bool> done{false};
  std::thread watcher([&] {
    while (!done) {
      if (gInterrupts > 0) {
        logger()->warn("interrupt: saving a checkpoint, then stopping (press Ctrl-C again to abort)");
        trainer.commands().push(StopCommand{});
        std::signal(SIGINT, SIG_DFL);
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  });
  RunOutcome outcome;
  try {
    outcome = trainer.run();
  } catch (...) {
    done = true;
    watcher.join();
    console.finish();
    throw;
  }
  done = true;
  watcher.join();
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
  console.finish();
  if (outcome == RunOutcome::Finished)
    logger()->info("finished at step {}; model package: {}", trainer.step(), paths.exported().string());
  else
    logger()->info("stopped at step {}; resume with --resume --out {}", trainer.step(), paths.root.string());
}

}  // namespace

// A distillation config given by path, or by the name of a shipped preset
// ("distill-avdm2-cpu-small" or "avdm2-cpu-small" for resources/presets/distill-avdm2-cpu-small.yaml).
// Applies "key=value" overrides; the value is read as YAML, so lists and numbers work.
void applyOverrides(Config& config, const std::vector<std::string>& sets) {
  for (const auto& s : sets) {
    const auto eq = s.find('=');
    if (eq == std::string::npos || eq == 0) throw ConfigError("--set '" + s + "' is not KEY=VALUE");
    config.set(s.substr(0, eq), parseYaml(s.substr(eq + 1), "--set " + s.substr(0, eq)));
  }
}

std::string resolveDistillConfig(const std::string& given) {
  if (fs::is_regular_file(given)) return given;
  const fs::path presets = resourcesDir() / "presets";
  for (const std::string& name : {given, given + ".yaml", "distill-" + given + ".yaml"})
    if (fs::is_regular_file(presets / name)) return (presets / name).string();
  throw ConfigError("distill: '" + given + "' is neither a config file nor a preset in " + presets.string());
}

static void registerDistillCommands(CLI::App& app) {
  auto* distill = app.add_subcommand("distill", "Distil a few-step student from a run config (method.name picks the method)");
  auto a = std::make_shared<TrainArgs>();
  auto config = std::make_shared<std::string>();
  distill->add_option("config", *config, "Run config YAML, or a shipped preset name such as avdm2-cpu-small");
  distill->add_option("--out", a->out, "Run folder (default: WORKSPACE/runs/NAME)");
  distill->add_option("--export", a->exportDir, "Where the student package goes (default: RUN/export)");
  distill->add_option("--set", a->sets, "Override a setting, KEY=VALUE (repeatable)");
  distill->add_option("--steps", a->steps, "Shorthand for --set trainer.steps=N")->check(CLI::PositiveNumber);
  distill->add_flag("--resume", a->resume, "Continue the run in --out from its newest checkpoint");
  distill->callback([a, config] {
    if (config->empty() && !a->resume) throw ConfigError("distill: give a config file (or --resume --out RUN)");
    if (!config->empty()) a->configFile = resolveDistillConfig(*config);
    runTraining(*a);
  });
}

void registerTrainCommands(CLI::App& app) {
  registerDistillCommands(app);
  auto* train = app.add_subcommand("train", "Train a built-in model (or run any training job) on the shared Trainer");
  auto a = std::make_shared<TrainArgs>();
  train->add_option("job", a->job, "Job: " + [] {
    std::string names;
    for (const auto& n : registeredMethodNames()) names += (names.empty() ? "" : ", ") + n;
    return names;
  }())->check(CLI::IsMember(registeredMethodNames()));
  train->add_option("--preset", a->preset, "Shipped preset: cpu-small (2-core CPU) or gpu-medium")->capture_default_str();
  train->add_option("--config", a->configFile, "Run config YAML instead of a preset")->check(CLI::ExistingFile);
  train->add_option("--out", a->out, "Run folder (default: WORKSPACE/runs/NAME)");
  train->add_option("--export", a->exportDir, "Where the finished model package goes (default: RUN/export)");
  train->add_option("--set", a->sets, "Override a setting, KEY=VALUE (repeatable), e.g. --set trainer.steps=200");
  train->add_option("--steps", a->steps, "Shorthand for --set trainer.steps=N")->check(CLI::PositiveNumber);
  train->add_flag("--resume", a->resume, "Continue the run in --out from its newest checkpoint");
  train->callback([a] {
    if (a->job.empty() && !a->resume) throw ConfigError("train: name a job, or pass --resume --out RUN");
    if (a->preset.empty() && a->configFile.empty() && !a->resume) a->preset = "cpu-small";
    runTraining(*a);
  });
}

}  // namespace vds::cli
