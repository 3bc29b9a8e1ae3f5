// vdstudio: the Qt studio. `vdstudio --screenshots DIR` trains a micro run (or the run
// config given with --run), renders the Styles gallery, saves every main view to
// DIR/<view>.png and exits (works on the offscreen platform). `vdstudio --bench-overhead
// FILE` measures training throughput with the studio open against vdstudio-cli's
// (app/gui/bench_overhead.h).
#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QSettings>
#include <QTemporaryDir>
#include <QTimer>
#include <QTranslator>

#include <cstdio>

#include "bench_overhead.h"
#include "ui/main_window.h"
#include "ui/runs_view.h"
#include "ui/setup_panel.h"
#include "ui/styles_view.h"
#include "ui/studio_translator.h"

namespace {

// A run that trains in seconds on one CPU core, so the screenshots show real curves.
constexpr const char* kScreenshotRun = R"(run: {seed: 1, device: cpu, threads: 1, name: screenshot-demo}
data: {size: 16, frames: 4, batch_size: 2, clips: 64}
trainer: {steps: 120, log_every: 2, sample_every: 40, checkpoint_every: 0, warmup_steps: 5}
method: {name: autoencoder, autoencoder: {architecture: {channels: [8, 16], max_groups: 8}}}
)";
constexpr int kScreenshotRunTimeoutMs = 180'000;

int takeScreenshots(const QString& dir, const QString& runYaml) {
  QTemporaryDir workspace;
  vds::ui::StudioOptions options;
  options.workspace = workspace.path().toStdString();
  options.restoreSettings = false;
  vds::ui::MainWindow window(options);
  window.resize(1280, 820);
  window.show();
  window.openDemo();
  QString error;
  if (!window.setupPanel()->loadYamlText(runYaml, QStringLiteral("screenshot run"), &error) ||
      !window.startRun(&error)) {
    std::fprintf(stderr, "vdstudio: screenshot run: %s\n", qPrintable(error));
    return 1;
  }
  if (!window.controller()->waitUntilInactive(kScreenshotRunTimeoutMs)) {
    window.controller()->stop();
    window.controller()->waitUntilInactive();
  }
  window.runsView()->refresh();
  // The Styles view shows its gallery rendered: every style model and the students
  // distilled with them, on one prompt and seed.
  vds::ui::StylesView* styles = window.stylesView();
  QEventLoop gallery;
  QObject::connect(styles, &vds::ui::StylesView::galleryFinished, &gallery, &QEventLoop::quit);
  QTimer::singleShot(kScreenshotRunTimeoutMs, &gallery, &QEventLoop::quit);
  styles->renderGallery();
  if (styles->isRendering()) gallery.exec();
  const QStringList files = window.saveScreenshots(dir);
  for (const QString& f : files) std::printf("wrote %s\n", qPrintable(f));
  std::fflush(stdout);
  return files.isEmpty() ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  QApplication::setOrganizationName(QStringLiteral("vdstudio"));
  QApplication::setApplicationName(QStringLiteral("vdstudio"));
  QApplication::setApplicationVersion(QStringLiteral(VDS_VERSION));
  // The user's language when the studio has it (LANG=de_DE.UTF-8 ...), else English.
  QTranslator translator;
  vds::ui::installStudioTranslation(translator, QLocale());
  QCommandLineParser parser;
  parser.setApplicationDescription(QApplication::translate("main", "Video diffusion distillation studio"));
  parser.addHelpOption();
  parser.addVersionOption();
  QCommandLineOption screenshots(QStringLiteral("screenshots"),
                                 QApplication::translate("main", "Render each main view to DIR/<view>.png and exit."),
                                 QStringLiteral("DIR"));
  QCommandLineOption workspace(QStringLiteral("workspace"), QApplication::translate("main", "Workspace folder."),
                               QStringLiteral("DIR"));
  QCommandLineOption demo(QStringLiteral("demo"), QApplication::translate("main", "Open the first-launch demo again."));
  QCommandLineOption run(QStringLiteral("run"),
                         QApplication::translate("main", "With --screenshots: the run config to train and show "
                                                         "(default: an autoencoder micro run)."),
                         QStringLiteral("FILE"));
  QCommandLineOption benchOverhead(
      QStringLiteral("bench-overhead"),
      QApplication::translate("main", "Benchmark: training throughput with the studio open against vdstudio-cli "
                                      "distill on the run config FILE, then exit."),
      QStringLiteral("FILE"));
  QCommandLineOption benchSteps(QStringLiteral("bench-steps"),
                                QApplication::translate("main", "With --bench-overhead: iterations per run."),
                                QStringLiteral("N"), QStringLiteral("60"));
  QCommandLineOption benchRepetitions(QStringLiteral("bench-repetitions"),
                                      QApplication::translate("main", "With --bench-overhead: runs per side."),
                                      QStringLiteral("N"), QStringLiteral("3"));
  parser.addOption(screenshots);
  parser.addOption(benchOverhead);
  parser.addOption(benchSteps);
  parser.addOption(benchRepetitions);
  parser.addOption(run);
  parser.addOption(workspace);
  parser.addOption(demo);
  parser.process(app);

  if (parser.isSet(screenshots)) {
    QString runYaml = QString::fromLatin1(kScreenshotRun);
    if (parser.isSet(run)) {
      QFile file(parser.value(run));
      if (!file.open(QIODevice::ReadOnly)) {
        std::fprintf(stderr, "vdstudio: --run: cannot read '%s'\n", qPrintable(parser.value(run)));
        return 1;
      }
      runYaml = QString::fromUtf8(file.readAll());
    }
    return takeScreenshots(parser.value(screenshots), runYaml);
  }

  if (parser.isSet(benchOverhead)) {
    vds::gui::OverheadOptions o;
    o.config = parser.value(benchOverhead);
    o.cli = QDir(QCoreApplication::applicationDirPath()).filePath(QStringLiteral("vdstudio-cli"));
    bool stepsOk = false, repsOk = false;
    o.steps = parser.value(benchSteps).toInt(&stepsOk);
    o.repetitions = parser.value(benchRepetitions).toInt(&repsOk);
    if (!stepsOk || !repsOk || o.steps <= o.warmup + 1 || o.repetitions < 1) {
      std::fprintf(stderr, "vdstudio: --bench-steps must be more than %d and --bench-repetitions at least 1\n",
                   o.warmup + 1);
      return 1;
    }
    return vds::gui::benchOverhead(o);
  }

  vds::ui::StudioOptions options;
  if (parser.isSet(workspace)) options.workspace = parser.value(workspace).toStdString();
  vds::ui::MainWindow window(options);
  window.show();
  QSettings settings;
  if (parser.isSet(demo) || !settings.value(QStringLiteral("demo/shown"), false).toBool()) {
    window.openDemo();
    settings.setValue(QStringLiteral("demo/shown"), true);
  }
  return QApplication::exec();
}
