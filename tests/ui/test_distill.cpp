// An AVDM2 micro run driven from the studio on the tiny packages of the cli.sample_models
// fixture: started from the setup panel, its SDM loss reaches the plots, a triptych
// appears in Samples, a loss weight set in Plots (by hand, and from the balance meter's
// suggestion) reaches the method, and a style swap from Styles is counted by it.
#include <QAbstractButton>
#include <QApplication>
#include <QDoubleSpinBox>

#include "ui/main_window.h"
#include "ui/plots_view.h"
#include "ui/run_controller.h"
#include "ui/samples_view.h"
#include "ui/setup_panel.h"
#include "ui/studio_catalog.h"
#include "ui/styles_view.h"
#include "ui_test_support.h"

using namespace vds::ui;
using vds::uitest::fixture;

namespace {

constexpr int kRunTimeoutMs = 300'000;

// 8x8 frames, 2 per clip, one object: a few iterations a second on one core.
QString avdm2MicroYaml(const QString& workspace) {
  return QStringLiteral(
             "run: {name: avdm2-micro, device: cpu, seed: 5, threads: 1, workspace: '%1'}\n"
             "data: {size: 8, frames: 2, batch_size: 2, clips: 16, max_objects: 1}\n"
             "trainer: {steps: 100000, log_every: 1, sample_every: 2, checkpoint_every: 0, warmup_steps: 0}\n"
             "method:\n  name: avdm2\n  avdm2:\n    teacher: '%2'\n    style: '%3'\n"
             "    lr_motion: 0.001\n    lr_spatial: 0.0005\n    lr_discriminator: 0.001\n    lr_fake: 0.001\n"
             "    disc_channels: 8\n    teacher_steps: 2\n")
      .arg(workspace, fixture(QStringLiteral("video")), fixture(QStringLiteral("image")));
}

}  // namespace

class DistillTest : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void initTestCase() {
    vds::uitest::isolateSettings();
    if (!vds::uitest::hasFixture(QStringLiteral("image-b")))
      QSKIP("VDS_UI_FIXTURE_DIR has no tiny packages (run the cli.sample_models fixture)");
  }

  void avdm2FromSetupToStyleSwap() {
    QTemporaryDir dir;
    MainWindow w(vds::uitest::optionsIn(dir));
    w.show();
    QString error;
    QVERIFY2(w.setupPanel()->loadYamlText(avdm2MicroYaml(dir.path()), QStringLiteral("test"), &error), qPrintable(error));
    QCOMPARE(w.setupPanel()->methodName(), QStringLiteral("avdm2"));
    QVERIFY2(w.startRun(&error), qPrintable(error));

    PlotsView* plots = w.plotsView();
    QTRY_VERIFY_WITH_TIMEOUT(plots->pointCount(QStringLiteral("loss/sdm")) >= 1, kRunTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(w.samplesView()->labels().contains(QStringLiteral("triptych")), kRunTimeoutMs);
    QVERIFY(w.samplesView()->labels().contains(QStringLiteral("student-4step")));
    // One row of three predictions, captioned as such rather than with the prompts.
    const VideoClips* triptych = w.samplesView()->latestClips(QStringLiteral("triptych"));
    QVERIFY(triptych);
    QCOMPARE(triptych->clips, 3);
    QCOMPARE(triptych->captions, (QStringList{QStringLiteral("generator x0"), QStringLiteral("real-score x0"),
                                              QStringLiteral("fake-score x0")}));

    // A weight set by hand reaches the method, which reports it back.
    QTRY_VERIFY_WITH_TIMEOUT(plots->lossWeightNames().contains(QStringLiteral("adm")), kRunTimeoutMs);
    QVERIFY(plots->lossWeightNames().contains(QStringLiteral("sdm")));
    QDoubleSpinBox* adm = plots->lossWeightEditor(QStringLiteral("adm"));
    QVERIFY(adm->isEnabled());
    adm->setValue(0.25);
    plots->lossWeightSetButton(QStringLiteral("adm"))->click();
    QVERIFY(w.controller()->sentCommands().contains(QStringLiteral("set-weight adm")));
    QTRY_COMPARE_WITH_TIMEOUT(plots->latestValue(QStringLiteral("diag/lambda_adm")).value_or(-1), 0.25, kRunTimeoutMs);

    // The balance meter's suggestion, applied in one click.
    QTRY_VERIFY_WITH_TIMEOUT(plots->applySuggestionButton(QStringLiteral("adm")) != nullptr, kRunTimeoutMs);
    const double suggested = plots->suggestedWeight(QStringLiteral("adm")).value_or(-1);
    QVERIFY(suggested > 0);
    plots->applySuggestionButton(QStringLiteral("adm"))->click();
    QCOMPARE(w.controller()->sentCommands().count(QStringLiteral("set-weight adm")), 2);
    QTRY_VERIFY_WITH_TIMEOUT(
        qAbs(plots->latestValue(QStringLiteral("diag/lambda_adm")).value_or(-1) - suggested) < 1e-9 * (1 + suggested),
        kRunTimeoutMs);

    // Swap the 2D style model for a second one from the Styles view.
    QTRY_COMPARE_WITH_TIMEOUT(plots->latestValue(QStringLiteral("diag/style_swaps")).value_or(-1), 0.0, kRunTimeoutMs);
    const PackageEntry styleB = describePackage(fixture(QStringLiteral("image-b")));
    QVERIFY(styleB.present);
    w.stylesView()->setPackages({styleB});
    w.stylesView()->selectPackage(0);
    QVERIFY(w.stylesView()->swapToSelected());
    QTRY_COMPARE_WITH_TIMEOUT(plots->latestValue(QStringLiteral("diag/style_swaps")).value_or(-1), 1.0, kRunTimeoutMs);

    w.controller()->stop();
    QTRY_VERIFY_WITH_TIMEOUT(!w.controller()->isActive(), kRunTimeoutMs);
    QCOMPARE(w.controller()->state(), RunState::Stopped);
  }
};

QTEST_MAIN(DistillTest)
#include "test_distill.moc"
