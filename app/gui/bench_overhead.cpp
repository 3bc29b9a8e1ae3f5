#include "bench_overhead.h"

#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QProcess>
#include <QSettings>
#include <QTemporaryDir>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <optional>
#include <vector>

#include "io/metrics_store.h"
#include "ui/main_window.h"
#include "ui/run_controller.h"
#include "ui/setup_panel.h"

namespace vds::gui {
namespace {

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

// Milliseconds per iteration of a finished run, from the wall clock the Trainer stored
// with its logged steps: the series with the most points, from the first step at or
// after `warmup` to the last one. Empty when fewer than two such steps were logged.
std::optional<double> msPerIteration(const QString& runDir, int warmup, QString* error) {
  const QString file = QDir(runDir).filePath(QStringLiteral("metrics.sqlite"));
  if (!QFileInfo::exists(file)) {
    *error = QStringLiteral("no metrics.sqlite in %1").arg(runDir);
    return std::nullopt;
  }
  MetricsStore store(file.toStdString());
  std::vector<MetricPoint> best;
  for (const std::string& name : store.names()) {
    std::vector<MetricPoint> s = store.series(name);
    if (s.size() > best.size()) best = std::move(s);
  }
  best.erase(std::remove_if(best.begin(), best.end(), [&](const MetricPoint& p) { return p.step < warmup; }), best.end());
  if (best.size() < 2 || best.back().step == best.front().step) {
    *error = QStringLiteral("%1 logged fewer than two steps after the warm-up; raise --steps or lower trainer.log_every").arg(file);
    return std::nullopt;
  }
  return 1000.0 * (best.back().wallSeconds - best.front().wallSeconds) /
         static_cast<double>(best.back().step - best.front().step);
}

std::optional<double> runCli(const OverheadOptions& o, const QString& configFile, const QString& runDir, QString* error) {
  QProcess cli;
  cli.setProcessChannelMode(QProcess::ForwardedErrorChannel);
  cli.setStandardOutputFile(QProcess::nullDevice());
  cli.start(o.cli, {QStringLiteral("distill"), configFile, QStringLiteral("--out"), runDir});
  if (!cli.waitForStarted()) {
    *error = QStringLiteral("cannot start %1: %2").arg(o.cli, cli.errorString());
    return std::nullopt;
  }
  cli.waitForFinished(-1);
  if (cli.exitStatus() != QProcess::NormalExit || cli.exitCode() != 0) {
    *error = QStringLiteral("%1 distill %2 failed (exit code %3)").arg(o.cli, configFile).arg(cli.exitCode());
    return std::nullopt;
  }
  return msPerIteration(runDir, o.warmup, error);
}

std::optional<double> runGui(const OverheadOptions& o, const QString& yaml, const QString& workspace, QString* error) {
  vds::ui::StudioOptions studio;
  studio.workspace = workspace.toStdString();
  studio.restoreSettings = false;
  vds::ui::MainWindow window(studio);
  window.resize(1280, 820);
  window.show();
  if (!window.setupPanel()->loadYamlText(yaml, QStringLiteral("overhead benchmark"), error) || !window.startRun(error))
    return std::nullopt;
  window.controller()->waitUntilInactive();
  const QString runDir = window.controller()->runDir();
  window.close();
  return msPerIteration(runDir, o.warmup, error);
}

}  // namespace

int benchOverhead(const OverheadOptions& o) {
  QTemporaryDir scratch;
  if (!scratch.isValid()) {
    std::fprintf(stderr, "vdstudio: --bench-overhead: cannot create a temporary folder\n");
    return 1;
  }
  // The studio's settings of this user stay untouched.
  QSettings::setDefaultFormat(QSettings::IniFormat);
  QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, scratch.filePath(QStringLiteral("settings")));

  YAML::Node config;
  try {
    config = YAML::LoadFile(o.config.toStdString());
  } catch (const YAML::Exception& e) {
    std::fprintf(stderr, "vdstudio: --bench-overhead: %s: %s\n", qPrintable(o.config), e.what());
    return 1;
  }
  // Both sides run exactly this config: the given one, shortened to `steps`, with
  // checkpoints off (disk writes are not what is measured) and previews on.
  config["run"]["name"] = "bench-overhead";
  config["trainer"]["steps"] = o.steps;
  config["trainer"]["checkpoint_every"] = 0;
  const int sampleEvery = config["trainer"]["sample_every"] ? config["trainer"]["sample_every"].as<int>() : 0;
  if (sampleEvery <= 0 || sampleEvery >= o.steps) config["trainer"]["sample_every"] = std::max(1, o.steps / 3);
  YAML::Emitter out;
  out << config;
  const QString yaml = QString::fromUtf8(out.c_str());
  const QString configFile = scratch.filePath(QStringLiteral("config.yaml"));
  std::ofstream(configFile.toStdString()) << out.c_str() << "\n";

  std::printf("GUI overhead benchmark: %s, %d iterations per run (first %d not timed), %d runs per side\n",
              qPrintable(o.config), o.steps, o.warmup, o.repetitions);
  std::vector<double> cliMs, guiMs;
  for (int r = 0; r < o.repetitions; ++r) {
    // CLI, GUI, then GUI, CLI: a trend in the machine's load hits both sides alike.
    for (int k = 0; k < 2; ++k) {
      const bool gui = (r % 2 == 0) == (k == 1);
      QString error;
      const QString tag = QStringLiteral("%1-%2").arg(gui ? QStringLiteral("gui") : QStringLiteral("cli")).arg(r);
      QElapsedTimer clock;
      clock.start();
      const std::optional<double> ms = gui ? runGui(o, yaml, scratch.filePath(tag), &error)
                                           : runCli(o, configFile, scratch.filePath(tag), &error);
      if (!ms) {
        std::fprintf(stderr, "vdstudio: --bench-overhead: %s\n", qPrintable(error));
        return 1;
      }
      (gui ? guiMs : cliMs).push_back(*ms);
      std::printf("  run %d %s: %.1f ms/iteration (%.0f s wall)\n", r + 1, gui ? "GUI" : "CLI", *ms,
                  static_cast<double>(clock.elapsed()) / 1000.0);
      std::fflush(stdout);
    }
  }
  const double cli = median(cliMs), gui = median(guiMs);
  std::printf("median ms/iteration: CLI %.1f, GUI %.1f; GUI throughput = %.1f%% of the CLI's\n", cli, gui,
              100.0 * cli / gui);
  return 0;
}

}  // namespace vds::gui
