// The studio's pieces without training: the event bridge's coalescing, scalar parsing,
// plots (bins, grad-norm meter, hover read-out), samples (history, triptych), the setup
// form for every method and preset (YAML round trip), and the main window's shortcuts.
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMenuBar>
#include <QPainter>
#include <QRegularExpression>
#include <QTabWidget>
#include <QTranslator>
#include <QXmlStreamReader>

#include <thread>

#include "ui/event_bridge.h"
#include "ui/main_window.h"
#include "ui/plots_view.h"
#include "ui/samples_view.h"
#include "ui/saved_samples.h"
#include "ui/scalar_history.h"
#include "ui/setup_panel.h"
#include "ui/studio_catalog.h"
#include "ui/studio_translator.h"
#include "ui_test_support.h"

using namespace vds::ui;

namespace {

vds::SampleEvent fakeSample(int64_t step, const std::string& label, int clips) {
  vds::SampleEvent s;
  s.step = step;
  s.label = label;
  s.clips = clips;
  s.frames = 3;
  s.height = s.width = 4;
  s.rgb.resize(static_cast<size_t>(clips) * 3 * 4 * 4 * 3);
  for (size_t i = 0; i < s.rgb.size(); ++i) s.rgb[i] = static_cast<uint8_t>(i * 7 + step);
  for (int c = 0; c < clips; ++c) s.captions.push_back("clip " + std::to_string(c));
  return s;
}

// A contact sheet of `s` as io/image_io.h lays one out: rows are clips, frames left to
// right, each pixel repeated `scale` times, `padding` grey pixels between and around.
QImage sheetOf(const vds::SampleEvent& s, int scale, int padding) {
  QImage sheet(s.frames * s.width * scale + (s.frames + 1) * padding,
               s.clips * s.height * scale + (s.clips + 1) * padding, QImage::Format_RGB888);
  sheet.fill(QColor(128, 128, 128));
  const VideoClips clips = VideoClips::fromSample(s);
  QPainter p(&sheet);
  for (int c = 0; c < s.clips; ++c)
    for (int f = 0; f < s.frames; ++f)
      p.drawImage(QRect(padding + f * (s.width * scale + padding), padding + c * (s.height * scale + padding),
                        s.width * scale, s.height * scale),
                  clips.frame(c, f));
  return sheet;
}

}  // namespace

class WidgetsTest : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void initTestCase() { vds::uitest::isolateSettings(); }

  void bridgeCoalescesWithoutLosingScalars() {
    EventBridge bridge;
    int points = 0, batches = 0, progress = 0;
    int64_t lastStep = -1;
    connect(&bridge, &EventBridge::scalarsArrived, this, [&](const std::vector<vds::ScalarsEvent>& b) {
      ++batches;
      points += static_cast<int>(b.size());
    });
    connect(&bridge, &EventBridge::progressArrived, this, [&](const vds::ProgressEvent& p) {
      ++progress;
      lastStep = p.step;
    });
    constexpr int kSteps = 2000;
    std::thread trainer([&] {
      for (int i = 1; i <= kSteps; ++i) {
        bridge.post(vds::ScalarsEvent{i, i * 0.01, {{"loss/total", 1.0 / i}}});
        bridge.post(vds::ScalarsEvent{i, i * 0.01, {{"diag/extra", 2.0}}});  // same step: merged
        bridge.post(vds::ProgressEvent{i, kSteps, 100, 1, 1});
      }
    });
    trainer.join();
    QTRY_COMPARE(points, kSteps);
    QCOMPARE(lastStep, int64_t{kSteps});
    QVERIFY2(batches < kSteps / 10, qPrintable(QString::number(batches)));  // one flush per burst, not per event
    QVERIFY(progress <= batches + 1);
  }

  void scalarKeyConventions() {
    auto bin = parseTimestepBin("loss/dmd/t250-499");
    QVERIFY(bin);
    QCOMPARE(QString::fromStdString(bin->group), QStringLiteral("loss/dmd"));
    QCOMPARE(bin->lo, 250.0);
    QCOMPARE(bin->hi, 499.0);
    QVERIFY(parseTimestepBin("diag/dmd/tbin/0-99"));
    QVERIFY(!parseTimestepBin("loss/total"));
    QVERIFY(!parseTimestepBin("loss/teacher"));
    QCOMPARE(QString::fromStdString(*gradNormLoss("diag/grad_norm/gan")), QStringLiteral("gan"));
    QVERIFY(!gradNormLoss("diag/mygrad_norm/x"));
    const auto smooth = emaSmooth({1, 1, 1, 5}, 0.5);
    QCOMPARE(smooth[0], 1.0);
    QVERIFY(smooth[3] > 1 && smooth[3] < 5);
    QCOMPARE(emaSmooth({3, 4}, 0.0)[1], 4.0);
    QCOMPARE(QString::fromStdString(*lossWeightName("diag/lambda_adm")), QStringLiteral("adm"));
    QCOMPARE(QString::fromStdString(*suggestedWeightName("diag/balance/suggested_lambda_adm")), QStringLiteral("adm"));
    QVERIFY(!lossWeightName("diag/balance/suggested_lambda_adm"));
    QVERIFY(!lossWeightName("diag/lambda_"));
    QVERIFY(!suggestedWeightName("diag/lambda_adm"));
  }

  // lambda_<name> keys get an editor whose Set asks for that weight; a suggested weight
  // next to the balance meter gets Apply. Both wait for a live run.
  void plotsOfferLossWeightsAndTheSuggestedOne() {
    PlotsView plots;
    plots.show();
    QSignalSpy asked(&plots, &PlotsView::lossWeightRequested);
    plots.addScalars({{1, 0.1,
                       {{"diag/lambda_adm", 1.0},
                        {"diag/lambda_sdm", 1.0},
                        {"diag/grad_norm/adm", 3.0},
                        {"diag/grad_norm/sdm", 1.0},
                        {"diag/balance/suggested_lambda_adm", 1.0 / 3}}}});
    plots.replotNow();
    QCOMPARE(plots.lossWeightNames(), (QStringList{QStringLiteral("adm"), QStringLiteral("sdm")}));
    QVERIFY(plots.gradMeterVisible());
    QDoubleSpinBox* adm = plots.lossWeightEditor(QStringLiteral("adm"));
    QVERIFY(adm && !adm->isEnabled());
    QVERIFY(!plots.applySuggestionButton(QStringLiteral("adm"))->isEnabled());
    plots.setLossWeightsEditable(true);
    QCOMPARE(adm->value(), 1.0);
    adm->setValue(2.5);
    plots.addScalars({{2, 0.2, {{"diag/lambda_adm", 1.0}}}});  // an edit in progress is kept
    plots.replotNow();
    QCOMPARE(adm->value(), 2.5);
    plots.lossWeightSetButton(QStringLiteral("adm"))->click();
    QCOMPARE(asked.count(), 1);
    QCOMPARE(asked[0][0].toString(), QStringLiteral("adm"));
    QCOMPARE(asked[0][1].toDouble(), 2.5);
    plots.applySuggestionButton(QStringLiteral("adm"))->click();
    QCOMPARE(asked.count(), 2);
    QCOMPARE(asked[1][1].toDouble(), 1.0 / 3);
    QCOMPARE(adm->value(), 0.3333);  // the editor shows it, at its precision
    plots.replotNow();
    QCOMPARE(adm->value(), 0.3333);  // not reset to the old value before the run reports the new one
    plots.addScalars({{3, 0.3, {{"diag/lambda_adm", 1.0 / 3}}}, {4, 0.4, {{"diag/lambda_adm", 0.5}}}});
    plots.replotNow();
    QCOMPARE(adm->value(), 0.5);  // once reported, it follows the run again
    QCOMPARE(plots.latestValue(QStringLiteral("diag/lambda_adm")).value_or(-1), 0.5);
  }

  // Saved previews come back frame for frame; a sheet without its layout file is skipped.
  void savedPreviewsReloadIntoTheHistory() {
    QTemporaryDir run;
    const QString stepDir = run.filePath(QStringLiteral("samples/step-000005"));
    QVERIFY(QDir().mkpath(stepDir));
    QVERIFY(QDir().mkpath(run.filePath(QStringLiteral("samples/step-000010"))));
    const vds::SampleEvent original = fakeSample(5, "student-1step", 2);
    QJsonObject layout{{QStringLiteral("label"), QStringLiteral("student-1step")},
                       {QStringLiteral("clips"), 2},
                       {QStringLiteral("frames"), 3},
                       {QStringLiteral("height"), 4},
                       {QStringLiteral("width"), 4},
                       {QStringLiteral("scale"), 2},
                       {QStringLiteral("padding"), 2},
                       {QStringLiteral("captions"), QJsonArray{QStringLiteral("clip 0"), QStringLiteral("clip 1")}}};
    for (const QString& step : {QStringLiteral("5"), QStringLiteral("10")}) {
      const QString dir = run.filePath(QStringLiteral("samples/step-%1").arg(step.toInt(), 6, 10, QLatin1Char('0')));
      QVERIFY(sheetOf(original, 2, 2).save(dir + QStringLiteral("/student-1step.png")));
      QFile json(dir + QStringLiteral("/student-1step.json"));
      QVERIFY(json.open(QIODevice::WriteOnly));
      json.write(QJsonDocument(layout).toJson());
    }
    QVERIFY(sheetOf(original, 2, 2).save(stepDir + QStringLiteral("/old.png")));  // no layout file

    SamplesView view;
    const QStringList skipped = view.loadSavedSamples(run.path().toStdString());
    QCOMPARE(skipped.size(), 1);
    QVERIFY(skipped.front().contains(QStringLiteral("old.png")));
    QCOMPARE(view.sampleCount(QStringLiteral("student-1step")), 2);
    view.showHistory(QStringLiteral("student-1step"), 0);
    QCOMPARE(view.historyStep(), 5);
    view.showHistory(QStringLiteral("student-1step"), 1);
    QCOMPARE(view.historyStep(), 10);

    const SavedSamples saved = readSavedSamples(run.path().toStdString());
    QCOMPARE(saved.samples.size(), size_t{2});
    QCOMPARE(saved.samples[0].rgb, original.rgb);
    QCOMPARE(saved.samples[0].captions, original.captions);
    layout[QStringLiteral("frames")] = 4;  // a layout that does not fit the sheet
    QString error;
    QVERIFY(!sampleFromSheet(sheetOf(original, 2, 2), layout, &error));
    QVERIFY(error.contains(QStringLiteral("layout says")));
  }

  void plotsShowEveryKeyBinsAndGradNorms() {
    PlotsView plots;
    plots.resize(900, 700);
    plots.show();
    std::vector<vds::ScalarsEvent> batch;
    for (int step = 1; step <= 20; ++step)
      batch.push_back({step, step * 0.5,
                       {{"loss/total", 1.0 / step},
                        {"loss/dmd/t0-499", 0.5},
                        {"loss/dmd/t500-999", 0.8},
                        {"diag/grad_norm/dmd", 2.0},
                        {"diag/grad_norm/gan", 6.0}}});
    plots.addScalars(batch);
    plots.replotNow();
    QCOMPARE(plots.keys().size(), 5);
    QCOMPARE(plots.pointCount(QStringLiteral("loss/total")), 20);
    QVERIFY(plots.binnedViewVisible());
    QVERIFY(plots.gradMeterVisible());
    QCOMPARE(plots.gradMeter()->norms().size(), size_t{2});
    // A resumed run rewinds: points after the repeated step are replaced.
    plots.addScalars({{10, 5.0, {{"loss/total", 9.0}}}});
    plots.replotNow();
    QCOMPARE(plots.pointCount(QStringLiteral("loss/total")), 10);
    // Hover read-out over the first plot.
    QWidget* target = plots.plotWidget(QStringLiteral("loss/total"));
    QVERIFY(target);
    const QPointF middle(target->width() / 2.0, target->height() / 2.0);
    QMouseEvent hover(QEvent::MouseMove, middle, target->mapToGlobal(middle), Qt::NoButton, Qt::NoButton, Qt::NoModifier);
    QApplication::sendEvent(target, &hover);
    QVERIFY2(plots.readout().contains(QStringLiteral("· step")), qPrintable(plots.readout()));
    // Log y and wall time keep the data.
    plots.findChild<QCheckBox*>()->setChecked(true);
    plots.replotNow();
    QCOMPARE(plots.pointCount(QStringLiteral("loss/total")), 10);
  }

  void samplesKeepHistoryAndTriptychs() {
    SamplesView view;
    view.show();
    view.addSample(fakeSample(5, "student-1step", 4));
    view.addSample(fakeSample(10, "student-1step", 4));
    view.addSample(fakeSample(10, "triptych", 3));
    QCOMPARE(view.labels().size(), 2);
    QCOMPARE(view.sampleCount(QStringLiteral("student-1step")), 2);
    QCOMPARE(view.latestStep(QStringLiteral("triptych")), 10);
    view.showHistory(QStringLiteral("student-1step"), 0);
    QCOMPARE(view.historyStep(), 5);
    view.showHistory(QStringLiteral("student-1step"), 1);
    QCOMPARE(view.historyStep(), 10);
    // Previews loop.
    const int frame = view.clock()->frame();
    QTRY_VERIFY(view.clock()->frame() != frame);
    const VideoClips clips = VideoClips::fromSample(fakeSample(1, "x", 2));
    QCOMPARE(clips.frame(1, 2).size(), QSize(4, 4));
    QVERIFY(clips.frame(2, 0).isNull());
  }

  void setupFormForEveryMethodAndPreset() {
    SetupPanel panel;
    for (const MethodEntry& m : methodEntries()) {
      panel.setMethod(m.name);
      QCOMPARE(panel.methodName(), m.name);
      QVERIFY(panel.isValid());
      QVERIFY(panel.editorFor(QStringLiteral("trainer.steps")));
      QVERIFY(!panel.editorFor(QStringLiteral("trainer.steps"))->toolTip().isEmpty());
      // The YAML the panel shows is what the CLI loads.
      const vds::Config c = resolveRunYaml(panel.yamlText().toStdString(), "panel");
      QCOMPARE(QString::fromStdString(c.get<std::string>("method.name")), m.name);
    }
    panel.setMethod(QStringLiteral("style"));
    QVERIFY(panel.packageFields().contains(QStringLiteral("method.style.base")));
    for (const PresetEntry& p : presets()) {
      QString error;
      QVERIFY2(panel.applyPreset(p.name, &error), qPrintable(error));
      QCOMPARE(panel.methodName(), p.method);
      const vds::Config c = resolveRunYaml(panel.yamlText().toStdString(), "panel");
      QCOMPARE(c.get<int64_t>("trainer.steps"), panel.config().get<int64_t>("trainer.steps"));
    }
  }

  void setupFieldValidation() {
    SetupPanel panel;
    panel.setMethod(QStringLiteral("autoencoder"));
    QVERIFY(!panel.setFieldText(QStringLiteral("run.device"), QStringLiteral("gpu")));
    QVERIFY(panel.fieldError(QStringLiteral("run.device")).contains(QStringLiteral("gpu")));
    QVERIFY(!panel.isValid());
    QVERIFY(!panel.setFieldText(QStringLiteral("method.autoencoder.lr"), QStringLiteral("5")));  // range 0..1
    QVERIFY(!panel.setFieldText(QStringLiteral("method.autoencoder.architecture"), QStringLiteral("[1, 2")));
    QVERIFY(panel.setFieldText(QStringLiteral("run.device"), QStringLiteral("cpu")));
    QVERIFY(panel.setFieldText(QStringLiteral("method.autoencoder.lr"), QStringLiteral("1e-3")));
    QVERIFY(panel.setFieldText(QStringLiteral("method.autoencoder.architecture"), QStringLiteral("{channels: [8, 16]}")));
    QVERIFY(panel.isValid());
    QVERIFY(panel.yamlText().contains(QStringLiteral("channels: [8, 16]")));
    QString error;
    QTemporaryDir dir;
    const QString file = dir.filePath(QStringLiteral("run.yaml"));
    QVERIFY2(panel.saveFile(file, &error), qPrintable(error));
    const vds::Config loaded = loadRunYaml(file.toStdString());
    QCOMPARE(loaded.get<double>("method.autoencoder.lr"), 1e-3);
    SetupPanel other;
    QVERIFY2(other.loadFile(file, &error), qPrintable(error));
    QCOMPARE(other.yamlText(), panel.yamlText());
  }

  void missingPackagesAreListedNotFatal() {
    bool sawMissingOrPresent = false;
    for (const PackageEntry& p : shippedPackages()) {
      QVERIFY(p.spec.startsWith(QStringLiteral("builtin:")));
      sawMissingOrPresent = true;
    }
    QVERIFY(sawMissingOrPresent);
    QVERIFY(!describePackage(QStringLiteral("/nonexistent/package")).present);
  }

  // One naming rule for the CLI and the studio (methods/run_setup.h defaultRunDir).
  void runFoldersAreNamedAsTheCliNamesThem() {
    const vds::Config named = resolveRunYaml("run: {name: first, workspace: /tmp/ws}\nmethod: {name: autoencoder}\n", "t");
    QCOMPARE(QString::fromStdString(runDirFor(named).string()), QStringLiteral("/tmp/ws/runs/first"));
    const vds::Config unnamed = resolveRunYaml("run: {workspace: /tmp/ws}\nmethod: {name: autoencoder}\n", "t");
    const QString dir = QString::fromStdString(runDirFor(unnamed).string());
    QVERIFY2(QRegularExpression(QStringLiteral("^/tmp/ws/runs/autoencoder-[0-9]{8}-[0-9]{6}$")).match(dir).hasMatch(),
             qPrintable(dir));
  }

  void mainWindowTabsShortcutsAndSettings() {
    QTemporaryDir dir;
    StudioOptions o;
    o.workspace = dir.path().toStdString();
    MainWindow w(o);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QCOMPARE(w.tabs()->count(), 6);
    QTest::keyClick(&w, Qt::Key_3, Qt::AltModifier);
    QCOMPARE(w.tabs()->currentWidget(), static_cast<QWidget*>(w.samplesView()));
    QTest::keyClick(&w, Qt::Key_6, Qt::AltModifier);
    QCOMPARE(w.tabs()->currentIndex(), 5);
    w.resize(1000, 700);
    QVERIFY(w.close());
    MainWindow again(o);
    QCOMPARE(again.tabs()->currentIndex(), 5);  // restored from QSettings
  }

  // The embedded .qm files load by locale and change what the window shows.
  void translationsFollowTheInstalledTranslator() {
    QTemporaryDir dir;
    const StudioOptions o = vds::uitest::optionsIn(dir);
    QTranslator german;
    QVERIFY(installStudioTranslation(german, QLocale(QLocale::German, QLocale::Germany)));
    {
      MainWindow w(o);
      QCOMPARE(w.tabs()->tabText(0), QStringLiteral("&Einrichtung"));
      QCOMPARE(w.tabs()->tabText(5), QStringLiteral("&Läufe"));
    }
    QVERIFY(QCoreApplication::removeTranslator(&german));
    {
      MainWindow w(o);
      QCOMPARE(w.tabs()->tabText(0), QStringLiteral("&Setup"));
    }
    // English only carries plural forms.
    QTranslator english;
    QVERIFY(installStudioTranslation(english, QLocale(QLocale::English, QLocale::UnitedStates)));
    QCOMPARE(QCoreApplication::translate("vds::ui::CompareView", "generating %n column(s)…", nullptr, 1),
             QStringLiteral("generating 1 column…"));
    QCOMPARE(QCoreApplication::translate("vds::ui::CompareView", "generating %n column(s)…", nullptr, 3),
             QStringLiteral("generating 3 columns…"));
    QVERIFY(QCoreApplication::removeTranslator(&english));
    QTranslator none;
    QVERIFY(!installStudioTranslation(none, QLocale(QLocale::Japanese, QLocale::Japan)));
  }

  // German is complete: translations/vdstudio_de.ts has no unfinished or empty entry, each
  // keeps its source's placeholders, mnemonic and trailing newline, and the embedded .qm
  // answers every one of them the way the .ts says.
  void germanCatalogueIsComplete() {
    const QString dir = qEnvironmentVariable("VDS_TRANSLATIONS_DIR");
    QVERIFY2(!dir.isEmpty(), "VDS_TRANSLATIONS_DIR is not set (CTest sets it)");
    QFile file(dir + QStringLiteral("/vdstudio_de.ts"));
    QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(file.fileName()));
    QTranslator german;
    QVERIFY(installStudioTranslation(german, QLocale(QLocale::German, QLocale::Germany)));

    // What a translation must carry over from its source.
    static const QRegularExpression placeholder(QStringLiteral("%(\\d+|n)"));
    const auto placeholders = [](const QString& s) {
      QStringList out;
      for (auto it = placeholder.globalMatch(s); it.hasNext();) out << it.next().captured();
      out.sort();
      return out;
    };
    const auto mnemonics = [](QString s) { return s.remove(QStringLiteral("&&")).count(QLatin1Char('&')); };

    struct Message {
      QString context, source;
      bool numerus = false;
      QString type;
      QStringList forms;  // the translation, or its numerus forms
    };
    QList<Message> messages;
    QXmlStreamReader xml(&file);
    QString context;
    Message m;
    while (!xml.atEnd()) {
      xml.readNext();
      if (!xml.isStartElement()) continue;
      const auto name = xml.name();
      if (name == QLatin1String("name")) {
        context = xml.readElementText();
      } else if (name == QLatin1String("message")) {
        m = Message{context, {}, xml.attributes().value(QLatin1String("numerus")) == QLatin1String("yes"), {}, {}};
      } else if (name == QLatin1String("source")) {
        m.source = xml.readElementText();
      } else if (name == QLatin1String("translation")) {
        m.type = xml.attributes().value(QLatin1String("type")).toString();
        if (m.numerus) {
          while (xml.readNextStartElement()) m.forms << xml.readElementText();
        } else {
          m.forms << xml.readElementText();
        }
        messages << m;
      }
    }
    QVERIFY2(!xml.hasError(), qPrintable(xml.errorString()));
    QVERIFY2(messages.size() >= 200, qPrintable(QString::number(messages.size())));

    QStringList problems;
    for (const Message& msg : messages) {
      const QString where = msg.context + QStringLiteral(": \"") + msg.source + QLatin1Char('"');
      if (!msg.type.isEmpty()) problems << where + QStringLiteral(" is ") + msg.type;
      if (msg.forms.size() != (msg.numerus ? 2 : 1)) problems << where + QStringLiteral(" has a wrong number of forms");
      for (int i = 0; i < msg.forms.size(); ++i) {
        const QString& t = msg.forms[i];
        if (t.isEmpty()) problems << where + QStringLiteral(" is empty");
        if (placeholders(t) != placeholders(msg.source)) problems << where + QStringLiteral(" loses or adds a placeholder");
        if (mnemonics(t) != mnemonics(msg.source)) problems << where + QStringLiteral(" loses or adds a mnemonic (&)");
        if (t.endsWith(QLatin1Char('\n')) != msg.source.endsWith(QLatin1Char('\n')) ||
            t.startsWith(QLatin1Char('\n')) != msg.source.startsWith(QLatin1Char('\n')))
          problems << where + QStringLiteral(" changes a leading or trailing newline");
        // The compiled catalogue in the resources says the same (numerus: n = 1, then 3).
        const QByteArray ctx = msg.context.toUtf8(), src = msg.source.toUtf8();
        const QString loaded = QCoreApplication::translate(ctx.constData(), src.constData(), nullptr,
                                                           msg.numerus ? (i == 0 ? 1 : 3) : -1);
        const QString expected = msg.numerus ? QString(t).replace(QStringLiteral("%n"), QString::number(i == 0 ? 1 : 3)) : t;
        if (loaded != expected) problems << where + QStringLiteral(" loads as \"") + loaded + QLatin1Char('"');
      }
    }
    QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QLatin1Char('\n'))));

    // A few by hand, from different views, so the check above cannot pass on English.
    const auto de = [](const char* context, const char* source, int n = -1) {
      return QCoreApplication::translate(context, source, nullptr, n);
    };
    QCOMPARE(de("vds::ui::MainWindow", "&Pause"), QStringLiteral("&Pausieren"));
    QCOMPARE(de("vds::ui::MainWindow", "&Resume"), QStringLiteral("&Fortsetzen"));
    QCOMPARE(de("vds::ui::MainWindow", "S&top (saves)"), QStringLiteral("S&toppen (speichert)"));
    QCOMPARE(de("vds::ui::MainWindow", "&File"), QStringLiteral("&Datei"));
    QCOMPARE(de("vds::ui::PlotsView", "Smoothing"), QStringLiteral("Glättung"));
    QCOMPARE(de("vds::ui::RunController", "paused"), QStringLiteral("pausiert"));
    QCOMPARE(de("vds::ui::RunsView", "Delete run"), QStringLiteral("Lauf löschen"));
    QCOMPARE(de("vds::ui::SetupPanel", "Model packages"), QStringLiteral("Modellpakete"));
    QCOMPARE(de("vds::ui::SamplesView", "History"), QStringLiteral("Verlauf"));
    QCOMPARE(de("vds::ui::StylesView", "&Render gallery"), QStringLiteral("Galerie &rendern"));
    QCOMPARE(de("main", "Workspace folder."), QStringLiteral("Ordner des Arbeitsbereichs."));
    QCOMPARE(de("vds::ui::CompareView", "generating %n column(s)…", 1), QStringLiteral("1 Spalte wird generiert…"));
    QCOMPARE(de("vds::ui::CompareView", "generating %n column(s)…", 4), QStringLiteral("4 Spalten werden generiert…"));
    // The styles view's default prompt feeds the model's English word tokenizer.
    QCOMPARE(de("vds::ui::StylesView", "a red circle"), QStringLiteral("a red circle"));
    {
      QTemporaryDir workspace;
      MainWindow w(vds::uitest::optionsIn(workspace));
      QStringList menus;
      for (QAction* a : w.menuBar()->actions()) menus << a->text();
      QVERIFY2(menus.contains(QStringLiteral("&Datei")) && menus.contains(QStringLiteral("&Ansicht")), qPrintable(menus.join(u' ')));
      QCOMPARE(w.tabs()->tabText(1), QStringLiteral("Dia&gramme"));
    }
    QVERIFY(QCoreApplication::removeTranslator(&german));
  }
};

QTEST_MAIN(WidgetsTest)
#include "test_widgets.moc"
