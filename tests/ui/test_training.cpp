// The studio driving real (micro) runs: start from the setup panel, loss points reach
// the plots and previews appear, stop saves, resume from the run browser (saved previews
// come back into the Samples history), a style swap reaches the Trainer, closing during a
// run leaves a valid checkpoint, the queue goes on after a failure, and a Stop halts the
// queue until Resume queue continues it.
#include <QApplication>
#include <QDir>
#include <QFile>

#include <filesystem>

#include "ui/main_window.h"
#include "ui/compare_view.h"
#include "ui/plots_view.h"
#include "ui/run_controller.h"
#include "ui/runs_view.h"
#include "ui/samples_view.h"
#include "ui/setup_panel.h"
#include "ui/studio_catalog.h"
#include "ui/styles_view.h"
#include "ui_test_support.h"

namespace fs = std::filesystem;
using namespace vds::ui;

namespace {

constexpr int kRunTimeoutMs = 120'000;

// A micro run config file that writes into `workspace`.
bool writeQueuedConfig(const QString& file, const QString& name, int steps, const QString& workspace) {
  QFile f(file);
  if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate)) return false;
  QString yaml = vds::uitest::microRunYaml(name, steps, 0);
  yaml.replace(QStringLiteral("threads: 1,"), QStringLiteral("threads: 1, workspace: '%1',").arg(workspace));
  return f.write(yaml.toUtf8()) > 0;
}

// Collects the log lines a run reports.
struct LogCollector {
  QStringList lines;
  void attach(RunController* run) {
    QObject::connect(run->events(), &EventBridge::logArrived, run,
                     [this](const vds::LogEvent& e) { lines << QString::fromStdString(e.text); });
  }
  bool contains(const QString& needle) const {
    for (const QString& l : lines)
      if (l.contains(needle)) return true;
    return false;
  }
};

}  // namespace

class TrainingTest : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void initTestCase() { vds::uitest::isolateSettings(); }

  void startFromSetupStopAndResumeFromRuns() {
    QTemporaryDir dir;
    MainWindow w(vds::uitest::optionsIn(dir));
    w.show();
    SetupPanel* setup = w.setupPanel();
    // Fill the generated form field by field, as a user would.
    setup->setMethod(QStringLiteral("autoencoder"));
    QVERIFY(setup->setFieldText(QStringLiteral("run.name"), QStringLiteral("micro")));
    QVERIFY(setup->setFieldText(QStringLiteral("run.device"), QStringLiteral("cpu")));
    QVERIFY(setup->setFieldText(QStringLiteral("run.threads"), QStringLiteral("1")));
    QVERIFY(setup->setFieldText(QStringLiteral("data.size"), QStringLiteral("16")));
    QVERIFY(setup->setFieldText(QStringLiteral("data.frames"), QStringLiteral("2")));
    QVERIFY(setup->setFieldText(QStringLiteral("data.batch_size"), QStringLiteral("2")));
    QVERIFY(setup->setFieldText(QStringLiteral("data.clips"), QStringLiteral("64")));
    QVERIFY(setup->setFieldText(QStringLiteral("trainer.steps"), QStringLiteral("100000")));
    QVERIFY(setup->setFieldText(QStringLiteral("trainer.log_every"), QStringLiteral("1")));
    QVERIFY(setup->setFieldText(QStringLiteral("trainer.sample_every"), QStringLiteral("5")));
    QVERIFY(setup->setFieldText(QStringLiteral("trainer.checkpoint_every"), QStringLiteral("0")));
    QVERIFY(setup->setFieldText(QStringLiteral("method.autoencoder.architecture"),
                                QStringLiteral("{channels: [8, 16], max_groups: 8}")));
    QVERIFY2(setup->isValid(), qPrintable(setup->errors().join(QLatin1Char('\n'))));

    QString error;
    QVERIFY2(w.startRun(&error), qPrintable(error));
    QVERIFY(w.controller()->isActive());
    QTRY_VERIFY_WITH_TIMEOUT(w.plotsView()->pointCount(QStringLiteral("loss/total")) >= 3, kRunTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(!w.samplesView()->labels().isEmpty(), kRunTimeoutMs);
    const QString label = w.samplesView()->labels().front();
    QTRY_VERIFY_WITH_TIMEOUT(w.samplesView()->sampleCount(label) >= 2, kRunTimeoutMs);
    QVERIFY(w.statusText().contains(QStringLiteral("it/s")));

    // Pause, then stop while paused: the stop still saves.
    w.controller()->pause();
    QTRY_COMPARE_WITH_TIMEOUT(w.controller()->state(), RunState::Paused, kRunTimeoutMs);
    w.controller()->stop();
    QTRY_VERIFY_WITH_TIMEOUT(!w.controller()->isActive(), kRunTimeoutMs);
    QCOMPARE(w.controller()->state(), RunState::Stopped);
    const fs::path runDir = fs::path(dir.path().toStdString()) / "runs" / "micro";
    const int64_t stoppedAt = newestCheckpointStep(runDir);
    QVERIFY(stoppedAt >= 5);

    // Resume from the run browser: the plots reload the history and carry on.
    RunsView* runs = w.runsView();
    runs->refresh();
    QCOMPARE(runs->rowOf(QStringLiteral("micro")), 0);
    QCOMPARE(runs->statusOf(runs->runs().front()), QStringLiteral("stopped"));
    runs->selectRun(QStringLiteral("micro"));
    // A stopped run has no export/ yet, so there is no student to compare.
    QVERIFY(!runs->compareSelected(&error));
    QVERIFY2(error.contains(QStringLiteral("not exported")), qPrintable(error));
    LogCollector log;
    log.attach(w.controller());
    QVERIFY2(runs->resumeSelected(&error), qPrintable(error));
    QVERIFY(w.plotsView()->pointCount(QStringLiteral("loss/total")) >= 3);  // history from metrics.sqlite
    // ... and the previews from RUN/samples, so the history slider walks the old steps.
    QVERIFY(w.samplesView()->sampleCount(label) >= 2);
    w.samplesView()->showHistory(label, 0);
    QCOMPARE(w.samplesView()->historyStep(), 5);
    QTRY_VERIFY_WITH_TIMEOUT(log.contains(QStringLiteral("resumed from")), kRunTimeoutMs);
    const int before = w.plotsView()->pointCount(QStringLiteral("loss/total"));
    QTRY_VERIFY_WITH_TIMEOUT(w.plotsView()->pointCount(QStringLiteral("loss/total")) > before + 2, kRunTimeoutMs);
    w.controller()->stop();
    QTRY_VERIFY_WITH_TIMEOUT(!w.controller()->isActive(), kRunTimeoutMs);
    QVERIFY(newestCheckpointStep(runDir) > stoppedAt);
  }

  // A run folder whose metrics.sqlite is damaged: opening it from the run browser reports
  // the file in the log, the row names the error, and the window carries on.
  void openingARunWithADamagedMetricsFileReportsIt() {
    QTemporaryDir dir;
    MainWindow w(vds::uitest::optionsIn(dir));
    const QString runDir = dir.filePath(QStringLiteral("runs/broken"));
    QVERIFY(QDir().mkpath(runDir));
    QFile config(runDir + QStringLiteral("/config.yaml"));
    QVERIFY(config.open(QIODevice::WriteOnly));
    config.write(vds::uitest::microRunYaml(QStringLiteral("broken"), 3, 0).toUtf8());
    config.close();
    QFile metrics(runDir + QStringLiteral("/metrics.sqlite"));
    QVERIFY(metrics.open(QIODevice::WriteOnly));
    metrics.write(QByteArray(4096, 'x'));  // not a database
    metrics.close();
    RunsView* runs = w.runsView();
    runs->refresh();
    QCOMPARE(runs->rowOf(QStringLiteral("broken")), 0);
    QVERIFY(runs->runs().front().error.contains(QStringLiteral("metrics.sqlite")));
    runs->selectRun(QStringLiteral("broken"));
    runs->openSelected();
    QVERIFY2(w.logText().contains(QStringLiteral("the loss history could not be shown")), qPrintable(w.logText()));
    QVERIFY(w.logText().contains(QStringLiteral("metrics.sqlite")));
    QCOMPARE(w.plotsView()->pointCount(QStringLiteral("loss/total")), 0);
    QCOMPARE(metrics.size(), qint64(4096));  // left as it was, for the user to inspect
  }

  void styleSwapReachesTheTrainer() {
    QTemporaryDir dir;
    MainWindow w(vds::uitest::optionsIn(dir));
    QVERIFY(w.setupPanel()->loadYamlText(vds::uitest::microRunYaml(QStringLiteral("swap"), 100000), QStringLiteral("test")));
    LogCollector log;
    log.attach(w.controller());
    QString error;
    QVERIFY2(w.startRun(&error), qPrintable(error));
    PackageEntry style;
    style.spec = style.dir = dir.filePath(QStringLiteral("style-test"));
    style.name = QStringLiteral("style-test");
    style.present = true;
    w.stylesView()->setPackages({style});
    w.stylesView()->selectPackage(0);
    QVERIFY(w.stylesView()->swapToSelected());
    QVERIFY(w.controller()->sentCommands().contains(QStringLiteral("swap-style ") + style.dir));
    // The autoencoder job has no style model: the Trainer reports that it ignored the
    // command, which proves the command crossed the queue to the training thread.
    QTRY_VERIFY_WITH_TIMEOUT(log.contains(QStringLiteral("ignores swap-style ") + style.dir), kRunTimeoutMs);
    w.controller()->stop();
    QTRY_VERIFY_WITH_TIMEOUT(!w.controller()->isActive(), kRunTimeoutMs);
  }

  void closingDuringARunSavesAValidCheckpoint() {
    QTemporaryDir dir;
    const fs::path runDir = fs::path(dir.path().toStdString()) / "runs" / "closing";
    {
      MainWindow w(vds::uitest::optionsIn(dir));
      w.show();
      QVERIFY(w.setupPanel()->loadYamlText(vds::uitest::microRunYaml(QStringLiteral("closing"), 100000, 0), QStringLiteral("test")));
      QString error;
      QVERIFY2(w.startRun(&error), qPrintable(error));
      QTRY_VERIFY_WITH_TIMEOUT(w.plotsView()->pointCount(QStringLiteral("loss/total")) >= 2, kRunTimeoutMs);
      QVERIFY(!w.close());  // refused while saving
      QVERIFY(w.isClosing());
      QVERIFY(w.statusText().contains(QStringLiteral("saving")));
      QTRY_VERIFY_WITH_TIMEOUT(!w.isVisible(), kRunTimeoutMs);
      QVERIFY(!w.controller()->isActive());
    }
    const int64_t saved = newestCheckpointStep(runDir);
    QVERIFY(saved >= 2);
    // Valid: a fresh controller resumes from it and trains on.
    RunController run;
    LogCollector log;
    log.attach(&run);
    QFile config(QString::fromStdString((runDir / "config.yaml").string()));
    QVERIFY(config.open(QIODevice::ReadOnly));
    RunRequest request;
    request.configYaml = config.readAll().toStdString();
    request.runDir = runDir;
    request.resume = true;
    QString error;
    QVERIFY2(run.start(request, &error), qPrintable(error));
    QTRY_VERIFY_WITH_TIMEOUT(log.contains(QStringLiteral("resumed from")), kRunTimeoutMs);
    run.stop();
    QTRY_VERIFY_WITH_TIMEOUT(!run.isActive(), kRunTimeoutMs);
    QCOMPARE(run.state(), RunState::Stopped);
    QVERIFY(newestCheckpointStep(runDir) >= saved);
  }

  void queueGoesOnAfterAFailure() {
    QTemporaryDir dir;
    MainWindow w(vds::uitest::optionsIn(dir));
    const QString bad = dir.filePath(QStringLiteral("bad.yaml"));
    const QString good = dir.filePath(QStringLiteral("good.yaml"));
    {
      QFile f(bad);
      QVERIFY(f.open(QIODevice::WriteOnly));
      f.write("trainer: {stpes: 3}\n");
    }
    {
      QFile f(good);
      QVERIFY(f.open(QIODevice::WriteOnly));
      QString yaml = vds::uitest::microRunYaml(QStringLiteral("queued"), 3, 0);
      yaml.replace(QStringLiteral("threads: 1,"), QStringLiteral("threads: 1, workspace: '%1',").arg(dir.path()));
      f.write(yaml.toUtf8());
    }
    RunsView* runs = w.runsView();
    runs->enqueue(bad);
    runs->enqueue(good);
    QSignalSpy finished(runs, &RunsView::queueFinished);
    runs->startQueue();
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kRunTimeoutMs);
    const QStringList states = runs->queueStates();
    QVERIFY2(states[0].startsWith(QStringLiteral("failed")) && states[0].contains(QStringLiteral("trainer.stpes")),
             qPrintable(states[0]));
    QCOMPARE(states[1], runStateName(RunState::Finished));
    QCOMPARE(runs->runs().size(), size_t{1});
    QCOMPARE(runs->statusOf(runs->runs().front()), QStringLiteral("finished"));
    runs->selectRun(QStringLiteral("queued"));
    // The finished run exported its package: Compare student adds it as a column that
    // samples as the package records, and shows the Compare tab.
    const size_t columns = w.compareView()->columns().size();
    QString error;
    QVERIFY2(runs->compareSelected(&error), qPrintable(error));
    QCOMPARE(w.compareView()->columns().size(), columns + 1);
    const CompareColumn& added = w.compareView()->columns().back();
    QCOMPARE(added.label, QStringLiteral("queued"));
    QCOMPARE(QDir(added.package).canonicalPath(), QDir(runs->runs().front().dir + QStringLiteral("/export")).canonicalPath());
    QVERIFY(added.packageSampling);
    QCOMPARE(w.currentTab(), static_cast<QWidget*>(w.compareView()));
    QVERIFY(runs->deleteSelected(true));
    QVERIFY(runs->runs().empty());
  }

  void stopHaltsTheQueueAndResumeContinuesIt() {
    QTemporaryDir dir;
    MainWindow w(vds::uitest::optionsIn(dir));
    const QString first = dir.filePath(QStringLiteral("first.yaml"));
    const QString second = dir.filePath(QStringLiteral("second.yaml"));
    QVERIFY(writeQueuedConfig(first, QStringLiteral("first"), 100000, dir.path()));
    QVERIFY(writeQueuedConfig(second, QStringLiteral("second"), 3, dir.path()));
    RunsView* runs = w.runsView();
    runs->enqueue(first);
    runs->enqueue(second);
    QSignalSpy halted(runs, &RunsView::queueHalted);
    QSignalSpy finished(runs, &RunsView::queueFinished);
    runs->startQueue();
    QTRY_VERIFY_WITH_TIMEOUT(w.plotsView()->pointCount(QStringLiteral("loss/total")) >= 2, kRunTimeoutMs);
    w.controller()->stop();
    QTRY_COMPARE_WITH_TIMEOUT(halted.count(), 1, kRunTimeoutMs);
    QCOMPARE(finished.count(), 0);
    QCOMPARE(runs->queueStates(), (QStringList{runStateName(RunState::Stopped), QStringLiteral("pending")}));
    QVERIFY(runs->isQueueHalted());
    QVERIFY(!w.controller()->isActive());

    // Resume queue: the stopped run continues from its checkpoint, then the next one runs.
    const fs::path firstDir = fs::path(dir.path().toStdString()) / "runs" / "first";
    const int64_t stoppedAt = newestCheckpointStep(firstDir);
    QVERIFY(stoppedAt >= 2);
    QVERIFY(writeQueuedConfig(first, QStringLiteral("first"), static_cast<int>(stoppedAt) + 2, dir.path()));
    LogCollector log;
    log.attach(w.controller());
    runs->startQueue();
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kRunTimeoutMs);
    QVERIFY(log.contains(QStringLiteral("resumed from")));
    QCOMPARE(runs->queueStates(), (QStringList{runStateName(RunState::Finished), runStateName(RunState::Finished)}));
    QCOMPARE(newestCheckpointStep(firstDir), stoppedAt + 2);
    QVERIFY(!runs->isQueueHalted());
  }
};

QTEST_MAIN(TrainingTest)
#include "test_training.moc"
