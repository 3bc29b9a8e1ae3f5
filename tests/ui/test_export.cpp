// The Export dialog and playback rates: clips exported through the dialog's
// non-interactive API to GIF, PNG frames and MP4 and decoded back with the backend
// decoder (frames, size, rate, exact pixels where the format is lossless); the labelled
// composite; Cancel; an unwritable path; the settings remembered; the Export buttons of
// Samples, Compare and Styles and File ▸ Export…; and clocks that tick at the clips' rate,
// also for a decoded file.
#include <QAction>
#include <QApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonObject>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QTabWidget>

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "ui/compare_view.h"
#include "ui/export_dialog.h"
#include "ui/generation_service.h"
#include "ui/main_window.h"
#include "ui/run_controller.h"
#include "ui/samples_view.h"
#include "ui/saved_samples.h"
#include "ui/studio_catalog.h"
#include "ui/styles_view.h"
#include "ui/video_export.h"
#include "ui_test_support.h"

using namespace vds::ui;
using vds::uitest::fixture;

namespace {

constexpr int kFrames = 6, kSide = 16;
constexpr int kEncodeTimeoutMs = 120'000;
constexpr int kGenerateTimeoutMs = 120'000;
constexpr int kPadding = 2;  // io/composite.h GridOptions::padding
const QRgb kBackground = qRgb(24, 24, 24);  // io/composite.h GridOptions::background

// Clip c, frame f: one solid colour, different for every clip and frame (12 colours in
// all, so GIF's palette is exact).
QRgb colourOf(int clip, int frame) {
  return clip == 0 ? qRgb(200 + 5 * frame, 40, 30) : qRgb(30, 60 + 10 * frame, 210);
}

VideoClips twoClips(double fps) {
  VideoClips v;
  v.clips = 2;
  v.frames = kFrames;
  v.height = v.width = kSide;
  v.fps = fps;
  v.captions = {QStringLiteral("red"), QStringLiteral("blue")};
  for (int c = 0; c < 2; ++c)
    for (int f = 0; f < kFrames; ++f)
      for (int p = 0; p < kSide * kSide; ++p) {
        const QRgb rgb = colourOf(c, f);
        v.rgb.push_back(static_cast<uint8_t>(qRed(rgb)));
        v.rgb.push_back(static_cast<uint8_t>(qGreen(rgb)));
        v.rgb.push_back(static_cast<uint8_t>(qBlue(rgb)));
      }
  return v;
}

// The two clips as a one-row grid under a title, each column labelled with its caption
// (as Styles and the Samples triptych make it), then each clip alone.
std::vector<ExportSource> sourcesOf(const VideoClips& clips) {
  ExportSource grid;
  grid.fileStem = QStringLiteral("two");
  grid.title = QStringLiteral("two clips");
  grid.columnLabels = clips.captions;
  grid.columns = clips.clips;
  for (int c = 0; c < clips.clips; ++c) grid.clips.push_back(clips.clip(c));
  return ExportDialog::gridAndClips(grid);
}

// Exports source `index` of the dialog with `settings`; false when it did not finish.
bool exportThrough(ExportDialog& dialog, int index, const ExportSettings& settings) {
  dialog.setCurrentSource(index);
  dialog.setSettings(settings);
  QSignalSpy finished(&dialog, &ExportDialog::exportFinished);
  if (!dialog.startExport()) return false;
  return finished.wait(kEncodeTimeoutMs) || !finished.isEmpty();
}

QRgb pixelOf(const VideoClips& v, int frame, int x, int y) { return v.frame(0, frame).pixel(x, y); }

int maxChannelDifference(QRgb a, QRgb b) {
  return std::max({std::abs(qRed(a) - qRed(b)), std::abs(qGreen(a) - qGreen(b)), std::abs(qBlue(a) - qBlue(b))});
}

// Whether every pixel of `image` is `colour`.
bool solid(const QImage& image, QRgb colour) {
  for (int y = 0; y < image.height(); ++y)
    for (int x = 0; x < image.width(); ++x)
      if (image.pixel(x, y) != colour) return false;
  return true;
}

QByteArray readAll(const QString& path) {
  QFile f(path);
  return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

bool writeFile(const QString& path, const QByteArray& bytes) {
  QFile f(path);
  return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
}

vds::SampleEvent sampleOf(const VideoClips& clips, const std::string& label, double fps) {
  vds::SampleEvent s;
  s.step = 40;
  s.label = label;
  s.clips = clips.clips;
  s.frames = clips.frames;
  s.height = clips.height;
  s.width = clips.width;
  s.rgb = clips.rgb;
  for (const QString& c : clips.captions) s.captions.push_back(c.toStdString());
  s.fps = fps;
  return s;
}

template <typename View>
ExportDialog* dialogOpenedByButton(View& view) {
  QPushButton* button = view.exportButton();
  if (!button || !button->isEnabled()) return nullptr;
  QTest::mouseClick(button, Qt::LeftButton);
  const auto dialogs = view.template findChildren<ExportDialog*>();
  return dialogs.isEmpty() ? nullptr : dialogs.back();
}

}  // namespace

class ExportTest : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void initTestCase() { vds::uitest::isolateSettings(); }

  void init() { QSettings().remove(QStringLiteral("export")); }

  void gifOfOneClipIsExactAtItsScaleAndRate() {
    QTemporaryDir dir;
    ExportDialog dialog(sourcesOf(twoClips(10)));
    QCOMPARE(dialog.sourceCount(), 3);  // the grid, then each clip
    dialog.setCurrentSource(1);
    QCOMPARE(dialog.settings().fps, 10.0);  // the clips' own rate by default
    ExportSettings s;
    s.format = ExportFormat::gif;
    s.path = dir.filePath(QStringLiteral("red.gif"));
    s.fps = 10;
    s.scale = 3;
    QVERIFY(exportThrough(dialog, 1, s));
    QVERIFY2(dialog.lastResult().ok, qPrintable(dialog.statusText()));
    QCOMPARE(dialog.lastResult().path, s.path);
    QVERIFY(dialog.statusText().contains(s.path));
    QCOMPARE(dialog.progressBar()->value(), dialog.progressBar()->maximum());

    const LoadedVideo gif = loadVideoFile(s.path);
    QVERIFY2(gif.ok, qPrintable(gif.error));
    QCOMPARE(gif.clips.frames, kFrames);
    QCOMPARE(gif.clips.width, 3 * kSide);
    QCOMPARE(gif.clips.height, 3 * kSide);
    QVERIFY2(std::abs(gif.clips.fps - 10.0) < 0.01, qPrintable(QString::number(gif.clips.fps)));
    for (int f = 0; f < kFrames; ++f) QVERIFY2(solid(gif.clips.frame(0, f), colourOf(0, f)), qPrintable(QString::number(f)));
  }

  void pngFramesOfTheSecondClipAreExact() {
    QTemporaryDir dir;
    ExportDialog dialog(sourcesOf(twoClips(8)));
    ExportSettings s;
    s.format = ExportFormat::png;
    s.path = dir.filePath(QStringLiteral("blue.png"));
    s.scale = 2;
    QVERIFY(exportThrough(dialog, 2, s));
    QVERIFY2(dialog.lastResult().ok, qPrintable(dialog.statusText()));
    const QStringList files = dialog.lastResult().files;
    QCOMPARE(files.size(), kFrames);
    QCOMPARE(files.front(), dir.filePath(QStringLiteral("blue_0000.png")));
    for (int f = 0; f < kFrames; ++f) {
      const QImage frame(files[f]);
      QCOMPARE(frame.size(), QSize(2 * kSide, 2 * kSide));
      QVERIFY2(solid(frame, colourOf(1, f)), qPrintable(files[f]));
    }
    QVERIFY(!QFile::exists(dir.filePath(QStringLiteral("blue.png"))));
  }

  void mp4KeepsFramesSizeAndRate() {
    if (!exportFormatAvailable(ExportFormat::mp4)) QSKIP("this FFmpeg build has no libx264");
    QTemporaryDir dir;
    ExportDialog dialog(sourcesOf(twoClips(24)));
    ExportSettings s;
    s.format = ExportFormat::mp4;
    s.path = dir.filePath(QStringLiteral("red.mp4"));
    s.fps = 24;
    s.scale = 2;
    s.crf = 12;
    QVERIFY(exportThrough(dialog, 1, s));
    QVERIFY2(dialog.lastResult().ok, qPrintable(dialog.statusText()));
    const LoadedVideo mp4 = loadVideoFile(s.path);
    QVERIFY2(mp4.ok, qPrintable(mp4.error));
    QCOMPARE(mp4.clips.frames, kFrames);
    QCOMPARE(mp4.clips.width, 2 * kSide);
    QCOMPARE(mp4.clips.height, 2 * kSide);
    QVERIFY2(std::abs(mp4.clips.fps - 24.0) < 0.01, qPrintable(QString::number(mp4.clips.fps)));
    for (int f = 0; f < kFrames; ++f) {
      const int d = maxChannelDifference(pixelOf(mp4.clips, f, kSide, kSide), colourOf(0, f));
      QVERIFY2(d <= 12, qPrintable(QStringLiteral("frame %1 is off by %2").arg(f).arg(d)));
    }
  }

  // The grid: a title row and a column-label row over two cells, so it is wider and
  // taller than a clip, and each cell holds its clip.
  void compositeHasTheGridsSize() {
    QTemporaryDir dir;
    ExportDialog dialog(sourcesOf(twoClips(8)));
    QCOMPARE(dialog.source(0).clips.size(), size_t{2});
    ExportSettings s;
    s.format = ExportFormat::png;
    s.path = dir.filePath(QStringLiteral("grid.png"));
    s.scale = 2;
    QVERIFY(exportThrough(dialog, 0, s));
    QVERIFY2(dialog.lastResult().ok, qPrintable(dialog.statusText()));
    const int cell = 2 * kSide;
    const int width = 2 * cell + 3 * kPadding;
    QCOMPARE(dialog.lastResult().width, width);
    const int cellsOnly = cell + 2 * kPadding;
    QVERIFY2(dialog.lastResult().height > cellsOnly + 20,  // a title and a label row of 12 px text
             qPrintable(QString::number(dialog.lastResult().height)));
    for (int f = 0; f < kFrames; ++f) {
      const QImage frame(dialog.lastResult().files[f]);
      QCOMPARE(frame.width(), width);
      QCOMPARE(frame.height(), dialog.lastResult().height);
      const int y = frame.height() - kPadding - cell / 2;
      QCOMPARE(frame.pixel(kPadding + cell / 2, y), colourOf(0, f));
      QCOMPARE(frame.pixel(2 * kPadding + cell + cell / 2, y), colourOf(1, f));
      QCOMPARE(frame.pixel(0, 0), kBackground);
    }
    // Not a single clip: a clip alone at the same scale is the cell's size only.
    ExportSettings one = s;
    one.path = dir.filePath(QStringLiteral("one.png"));
    QVERIFY(exportThrough(dialog, 1, one));
    QCOMPARE(QImage(dialog.lastResult().files.front()).size(), QSize(cell, cell));

    // The same grid as MP4 (H.264 needs even sides: the odd one is padded).
    if (!exportFormatAvailable(ExportFormat::mp4)) return;
    ExportSettings mp4 = s;
    mp4.format = ExportFormat::mp4;
    mp4.path = dir.filePath(QStringLiteral("grid.mp4"));
    const int pngHeight = QImage(dir.filePath(QStringLiteral("grid_0000.png"))).height();
    QVERIFY(exportThrough(dialog, 0, mp4));
    const LoadedVideo video = loadVideoFile(mp4.path);
    QVERIFY2(video.ok, qPrintable(video.error));
    QCOMPARE(video.clips.frames, kFrames);
    QCOMPARE(video.clips.width, width);
    QCOMPARE(video.clips.height, pngHeight + pngHeight % 2);
  }

  // Area scaling to a target size instead of an integer factor.
  void fitToSizeResizesTheClip() {
    QTemporaryDir dir;
    ExportDialog dialog(sourcesOf(twoClips(8)));
    ExportSettings s;
    s.format = ExportFormat::gif;
    s.path = dir.filePath(QStringLiteral("fit.gif"));
    s.width = 40;  // height follows the aspect ratio
    QVERIFY(exportThrough(dialog, 2, s));
    QVERIFY2(dialog.lastResult().ok, qPrintable(dialog.statusText()));
    const LoadedVideo gif = loadVideoFile(s.path);
    QVERIFY2(gif.ok, qPrintable(gif.error));
    QCOMPARE(QSize(gif.clips.width, gif.clips.height), QSize(40, 40));
    QCOMPARE(pixelOf(gif.clips, 3, 20, 20), colourOf(1, 3));  // a solid colour survives resizing
  }

  void cancelLeavesNoFile() {
    if (!exportFormatAvailable(ExportFormat::mp4)) QSKIP("this FFmpeg build has no libx264");
    QTemporaryDir dir;
    // Through the API: the progress callback says stop after two frames.
    ExportSettings s;
    s.format = ExportFormat::gif;
    s.path = dir.filePath(QStringLiteral("stopped.gif"));
    int calls = 0;
    const ExportResult stopped = runExport(sourcesOf(twoClips(8)).front(), s, [&calls](int done, int) {
      ++calls;
      return done < 2;
    });
    QVERIFY(stopped.cancelled);
    QVERIFY(!stopped.ok);
    QCOMPARE(calls, 3);  // before the first frame, after frames 1 and 2
    QVERIFY(QDir(dir.path()).entryList(QDir::NoDotAndDotDot | QDir::AllEntries).isEmpty());

    // Through the dialog: a long clip, cancelled with the button once encoding is under way.
    VideoClips longClip;
    longClip.clips = 1;
    longClip.frames = 300;
    longClip.height = longClip.width = 64;
    longClip.rgb.resize(size_t{300} * 64 * 64 * 3);
    for (size_t i = 0; i < longClip.rgb.size(); ++i) longClip.rgb[i] = static_cast<uint8_t>((i * 7919) >> 5);
    ExportSource source;
    source.fileStem = QStringLiteral("long");
    source.clips = {longClip};
    ExportDialog dialog({source});
    ExportSettings mp4;
    mp4.format = ExportFormat::mp4;
    mp4.path = dir.filePath(QStringLiteral("long.mp4"));
    mp4.scale = 4;
    dialog.setSettings(mp4);
    QSignalSpy progress(&dialog, &ExportDialog::progressChanged);
    QSignalSpy finished(&dialog, &ExportDialog::exportFinished);
    QVERIFY(!dialog.cancelButton()->isEnabled());
    QVERIFY(dialog.startExport());
    QVERIFY(dialog.isExporting());
    QVERIFY(!dialog.exportButton()->isEnabled());
    QTRY_VERIFY_WITH_TIMEOUT(!progress.isEmpty() && progress.last().at(0).toInt() >= 1, kEncodeTimeoutMs);
    QVERIFY(dialog.cancelButton()->isEnabled());
    QTest::mouseClick(dialog.cancelButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, kEncodeTimeoutMs);
    QCOMPARE(finished.front().front().toBool(), false);
    QVERIFY(dialog.lastResult().cancelled);
    QVERIFY(progress.last().at(0).toInt() < 300);
    QVERIFY(!QFile::exists(mp4.path));
    QVERIFY2(QDir(dir.path()).entryList(QDir::NoDotAndDotDot | QDir::AllEntries).isEmpty(),
             qPrintable(QDir(dir.path()).entryList(QDir::NoDotAndDotDot | QDir::AllEntries).join(QLatin1Char(' '))));
    QVERIFY(dialog.statusText().contains(QStringLiteral("Cancelled")));
    QVERIFY(dialog.exportButton()->isEnabled());
  }

  void unwritablePathIsNamedAndNothingIsLost() {
    QTemporaryDir dir;
    ExportDialog dialog(sourcesOf(twoClips(8)));
    // A path under a regular file: the folder cannot be made.
    const QString blocker = dir.filePath(QStringLiteral("blocker"));
    QVERIFY(writeFile(blocker, "keep me"));
    ExportSettings s;
    s.format = ExportFormat::gif;
    s.path = blocker + QStringLiteral("/out.gif");
    QVERIFY(exportThrough(dialog, 1, s));
    QVERIFY(!dialog.lastResult().ok);
    QVERIFY(!dialog.lastResult().cancelled);
    QVERIFY2(dialog.lastResult().error.contains(s.path), qPrintable(dialog.lastResult().error));
    QVERIFY2(dialog.statusText().contains(s.path), qPrintable(dialog.statusText()));
    QCOMPARE(readAll(blocker), QByteArray("keep me"));

    // A path that is a folder with a file in it: nothing replaces it.
    const QString taken = dir.filePath(QStringLiteral("taken.gif"));
    QVERIFY(QDir().mkpath(taken));
    QVERIFY(writeFile(taken + QStringLiteral("/inside.txt"), "still here"));
    s.path = taken;
    QVERIFY(exportThrough(dialog, 1, s));
    QVERIFY(!dialog.lastResult().ok);
    QVERIFY2(dialog.statusText().contains(taken), qPrintable(dialog.statusText()));
    QCOMPARE(readAll(taken + QStringLiteral("/inside.txt")), QByteArray("still here"));
    QCOMPARE(QDir(dir.path()).entryList(QDir::NoDotAndDotDot | QDir::AllEntries),
             (QStringList{QStringLiteral("blocker"), QStringLiteral("taken.gif")}));

    // A read-only folder holding an older export (permissions do not bind root).
    if (geteuid() == 0) return;
    const QString locked = dir.filePath(QStringLiteral("locked"));
    QVERIFY(QDir().mkpath(locked));
    const QString old = locked + QStringLiteral("/old.gif");
    QVERIFY(writeFile(old, "older export"));
    QVERIFY(QFile::setPermissions(locked, QFileDevice::ReadOwner | QFileDevice::ExeOwner));
    s.path = old;
    QVERIFY(exportThrough(dialog, 1, s));
    QFile::setPermissions(locked, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    QVERIFY(!dialog.lastResult().ok);
    QVERIFY2(dialog.statusText().contains(old), qPrintable(dialog.statusText()));
    QCOMPARE(readAll(old), QByteArray("older export"));
  }

  void settingsAreRememberedAndTheSuffixFollowsTheFormat() {
    QTemporaryDir dir;
    {
      ExportDialog dialog(sourcesOf(twoClips(8)));
      ExportSettings s;
      s.format = ExportFormat::gif;
      s.path = dir.filePath(QStringLiteral("kept.gif"));
      s.scale = 5;
      s.gifLoop = 3;
      QVERIFY(exportThrough(dialog, 1, s));
      QVERIFY(dialog.lastResult().ok);
    }
    ExportDialog again(sourcesOf(twoClips(12)));
    const ExportSettings s = again.settings();
    QCOMPARE(s.format, ExportFormat::gif);
    QCOMPARE(s.scale, 5);
    QCOMPARE(s.gifLoop, 3);
    QCOMPARE(s.fps, 12.0);  // the rate is the clips' own, never remembered
    QCOMPARE(QFileInfo(s.path).absolutePath(), QFileInfo(dir.path()).absoluteFilePath());
    QVERIFY2(s.path.endsWith(QStringLiteral(".gif")), qPrintable(s.path));
    again.setFormat(ExportFormat::webm);
    QVERIFY2(again.settings().path.endsWith(QStringLiteral("two.webm")), qPrintable(again.settings().path));
    QCOMPARE(ExportDialog::withFormatSuffix(QStringLiteral("/a/b.GIF"), ExportFormat::mp4), QStringLiteral("/a/b.mp4"));
    QCOMPARE(ExportDialog::withFormatSuffix(QStringLiteral("/a/b.v2"), ExportFormat::png), QStringLiteral("/a/b.v2.png"));
  }

  void samplesAndFileExportOpenTheDialogWithTheViewsClips() {
    const VideoClips clips = twoClips(12);
    SamplesView samples;
    samples.show();
    QVERIFY(!samples.exportButton()->isEnabled());  // nothing yet
    samples.addSample(sampleOf(clips, "triptych", 12));
    ExportDialog* dialog = dialogOpenedByButton(samples);
    QVERIFY(dialog);
    const ExportSource& grid = dialog->source(0);
    QCOMPARE(grid.clips.size(), size_t{2});
    QCOMPARE(grid.columnLabels, clips.captions);
    for (int c = 0; c < 2; ++c) QCOMPARE(grid.clips[static_cast<size_t>(c)].rgb, clips.clip(c).rgb);
    QCOMPARE(grid.fps(), 12.0);
    QCOMPARE(dialog->settings().fps, 12.0);
    QCOMPARE(dialog->sourceCount(), 3);
    QVERIFY(dialog->source(2).name.contains(QStringLiteral("blue")));
    dialog->close();

    QTemporaryDir dir;
    MainWindow w(vds::uitest::optionsIn(dir));
    w.tabs()->setCurrentIndex(0);
    QVERIFY(!w.exportAction()->isEnabled());  // Setup has nothing to export
    QCOMPARE(w.exportAction()->shortcut(), QKeySequence(Qt::CTRL | Qt::Key_E));
    w.tabs()->setCurrentWidget(w.samplesView());
    QVERIFY(w.exportAction()->isEnabled());
    w.samplesView()->addSample(sampleOf(clips, "student-1step", 8));
    ExportDialog* fromMenu = w.exportCurrentView();
    QVERIFY(fromMenu);
    QCOMPARE(fromMenu->parent(), static_cast<QObject*>(w.samplesView()));
    QCOMPARE(fromMenu->source(0).clips.size(), size_t{2});
    QCOMPARE(fromMenu->source(0).clipLabels, clips.captions);
    fromMenu->close();
  }

  void compareAndStylesOpenTheDialogWithTheirClips() {
    if (!vds::uitest::hasFixture(QStringLiteral("video")))
      QSKIP("VDS_UI_FIXTURE_DIR has no tiny packages (run the cli.sample_models fixture)");
    GenerationService service;
    {
      CompareView view(&service);
      view.show();
      const QStringList prompts{QStringLiteral("a red circle moving left"), QStringLiteral("a blue square moving up")};
      view.setPrompts(prompts);
      view.setColumns({{QStringLiteral("two"), fixture(QStringLiteral("video")), 2},
                       {QStringLiteral("one"), fixture(QStringLiteral("video")), 1}});
      QVERIFY(!view.exportButton()->isEnabled());
      QSignalSpy done(&view, &CompareView::generationFinished);
      view.generate();
      QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, kGenerateTimeoutMs);
      QCOMPARE(view.clock()->fps(), view.cell(0, 0)->clips().fps);
      ExportDialog* dialog = dialogOpenedByButton(view);
      QVERIFY(dialog);
      QCOMPARE(dialog->sourceCount(), 3);  // the grid, then each column
      const ExportSource& grid = dialog->source(0);
      QCOMPARE(grid.rowLabels, prompts);
      QCOMPARE(grid.columns, 2);
      QCOMPARE(grid.columnLabels.size(), 2);
      QVERIFY(grid.columnLabels[1].startsWith(QStringLiteral("one")));
      QCOMPARE(grid.clips.size(), size_t{4});
      for (int r = 0; r < 2; ++r)
        for (int c = 0; c < 2; ++c) QCOMPARE(grid.clips[static_cast<size_t>(2 * r + c)].rgb, view.cell(r, c)->clips().rgb);
      const ExportSource& column = dialog->source(2);
      QCOMPARE(column.clips.size(), size_t{2});
      QCOMPARE(column.clips[1].rgb, view.cell(1, 1)->clips().rgb);
      // The grid exports: two columns of clips under a caption and label rows.
      QTemporaryDir dir;
      ExportSettings s;
      s.format = ExportFormat::gif;
      s.path = dir.filePath(QStringLiteral("compare.gif"));
      QVERIFY(exportThrough(*dialog, 0, s));
      QVERIFY2(dialog->lastResult().ok, qPrintable(dialog->statusText()));
      QVERIFY(dialog->lastResult().width > 2 * view.cell(0, 0)->clips().width);
      dialog->close();
    }
    {
      RunController run;
      StylesView view(&service, &run);
      view.show();
      const PackageEntry image = describePackage(fixture(QStringLiteral("image")));
      QVERIFY(image.present);
      view.setPackages({image, describePackage(QStringLiteral("builtin:style-not-trained"))});
      QSignalSpy done(&view, &StylesView::galleryFinished);
      view.renderGallery();
      QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, kGenerateTimeoutMs);
      QCOMPARE(view.clock()->fps(), view.galleryCell(0)->clips().fps);
      ExportDialog* dialog = dialogOpenedByButton(view);
      QVERIFY(dialog);
      const ExportSource& grid = dialog->source(0);
      QCOMPARE(grid.columns, 2);
      QCOMPARE(grid.columnLabels.front(), image.name);
      QCOMPARE(grid.clips.front().rgb, view.galleryCell(0)->clips().rgb);
      QVERIFY(grid.clips.back().empty());  // not built: a blank cell
      QCOMPARE(dialog->sourceCount(), 2);   // the gallery, and the one rendered style
      dialog->close();
    }
  }

  void playbackFollowsTheClipsRate() {
    PlaybackClock clock;
    clock.setFps(24);
    QVERIFY2(clock.intervalMs() == 41 || clock.intervalMs() == 42, qPrintable(QString::number(clock.intervalMs())));
    clock.setFps(5);
    QCOMPARE(clock.intervalMs(), 200);

    SamplesView view;
    view.show();
    view.addSample(sampleOf(twoClips(24), "fast", 24));
    view.addSample(sampleOf(twoClips(5), "slow", 5));
    QVERIFY(view.clockOf(QStringLiteral("fast")));
    QVERIFY(view.clockOf(QStringLiteral("slow")));
    QCOMPARE(view.clockOf(QStringLiteral("fast"))->fps(), 24.0);
    QVERIFY(view.clockOf(QStringLiteral("fast"))->intervalMs() <= 42);
    QCOMPARE(view.clockOf(QStringLiteral("slow"))->intervalMs(), 200);
    QVERIFY(view.clockOf(QStringLiteral("fast")) != view.clockOf(QStringLiteral("slow")));
    QVERIFY(view.clockOf(QStringLiteral("fast"))->isPlaying());
    // A preview without a rate of its own plays at the default 8 fps.
    vds::SampleEvent plain = sampleOf(twoClips(8), "plain", 8);
    plain.fps = vds::SampleEvent{}.fps;
    view.addSample(plain);
    QCOMPARE(view.clockOf(QStringLiteral("plain"))->intervalMs(), 125);
    QCOMPARE(view.clockOf(QStringLiteral("plain")), view.clock());

    // Saved previews carry their rate.
    QJsonObject layout{{QStringLiteral("clips"), 1}, {QStringLiteral("frames"), 1}, {QStringLiteral("height"), 2},
                       {QStringLiteral("width"), 2}, {QStringLiteral("scale"), 1}, {QStringLiteral("padding"), 0},
                       {QStringLiteral("fps"), 12.5}};
    QImage sheet(2, 2, QImage::Format_RGB888);
    sheet.fill(Qt::red);
    const auto saved = sampleFromSheet(sheet, layout, nullptr);
    QVERIFY(saved);
    QCOMPARE(saved->fps, 12.5);
    QCOMPARE(VideoClips::fromSample(*saved).fps, 12.5);
  }

  // A decoded file plays at its own rate: 24 fps at 24, 5 fps at 5.
  void openedVideoFilesPlayAtTheirOwnRate() {
    QTemporaryDir dir;
    struct File {
      ExportFormat format;
      QString name;
      double fps;
    };
    std::vector<File> files{{ExportFormat::gif, QStringLiteral("five.gif"), 5}};
    if (exportFormatAvailable(ExportFormat::mp4)) files.push_back({ExportFormat::mp4, QStringLiteral("film.mp4"), 24});
    SamplesView view;
    view.show();
    for (const File& file : files) {
      ExportSettings s;
      s.format = file.format;
      s.path = dir.filePath(file.name);
      s.fps = file.fps;
      s.scale = 2;
      const ExportResult written = runExport(sourcesOf(twoClips(8))[1], s);
      QVERIFY2(written.ok, qPrintable(written.error));
      QSignalSpy opened(&view, &SamplesView::videoOpened);
      view.openVideoFile(s.path);
      QTRY_COMPARE_WITH_TIMEOUT(opened.size(), 1, kEncodeTimeoutMs);
      QCOMPARE(opened.front().at(0).toString(), file.name);
      const VideoClips* clips = view.latestClips(file.name);
      QVERIFY(clips);
      QCOMPARE(clips->frames, kFrames);
      QCOMPARE(clips->width, 2 * kSide);
      QVERIFY2(std::abs(clips->fps - file.fps) < 0.01, qPrintable(QString::number(clips->fps)));
      PlaybackClock* clock = view.clockOf(file.name);
      QVERIFY(clock);
      QCOMPARE(clock->intervalMs(), static_cast<int>(std::lround(1000.0 / file.fps)));
      QCOMPARE(view.historyLabel(), file.name);  // shown in the history panel too
      QVERIFY(view.videoStatus().isEmpty());  // opened whole
      // Export from Samples offers the file as it is, at its rate.
      const std::vector<ExportSource> sources = view.exportSources();
      QCOMPARE(sources.size(), size_t{1});
      QVERIFY(std::abs(sources.front().fps() - file.fps) < 0.01);
    }
    // A long file shows its beginning: at most maxFrames frames, or maxBytes of pixels.
    const QString five = dir.filePath(QStringLiteral("five.gif"));
    const LoadedVideo cut = loadVideoFile(five, 4);
    QVERIFY2(cut.ok, qPrintable(cut.error));
    QCOMPARE(cut.clips.frames, 4);
    QCOMPARE(cut.sourceFrames, kFrames);
    QCOMPARE(cut.clips.frame(0, 3), loadVideoFile(five).clips.frame(0, 3));
    const LoadedVideo small = loadVideoFile(five, kMaxPreviewFrames, qint64{3} * (2 * kSide) * (2 * kSide) * 3);
    QCOMPARE(small.clips.frames, 3);
    // A broken file: the error names it.
    const QString broken = dir.filePath(QStringLiteral("broken.mp4"));
    QVERIFY(writeFile(broken, "not a video"));
    QSignalSpy opened(&view, &SamplesView::videoOpened);
    view.openVideoFile(broken);
    QTRY_COMPARE_WITH_TIMEOUT(opened.size(), 1, kEncodeTimeoutMs);
    QVERIFY(opened.front().at(0).toString().isEmpty());
    QVERIFY2(opened.front().at(1).toString().contains(broken), qPrintable(opened.front().at(1).toString()));
    QVERIFY2(view.videoStatus().contains(broken), qPrintable(view.videoStatus()));
    QVERIFY(!view.labels().contains(QStringLiteral("broken.mp4")));
  }
};

QTEST_MAIN(ExportTest)
#include "test_export.moc"
