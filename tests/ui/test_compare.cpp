// Compare and Styles on the tiny packages of the cli.sample_models fixture: generation
// off the UI thread, every cell playing the same frame, labels with steps, NFE and
// ms per clip, the A/B wipe, a missing package shown in its cells, students sampling as
// their package records, image-to-video columns, the default layout, and the style gallery.
#include <QApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>

#include "ui/compare_view.h"
#include "ui/generation_service.h"
#include "ui/run_controller.h"
#include "ui/styles_view.h"
#include "ui_test_support.h"

using namespace vds::ui;
using vds::uitest::fixture;

namespace {

constexpr int kGenerateTimeoutMs = 120'000;

}  // namespace

class CompareTest : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void initTestCase() {
    vds::uitest::isolateSettings();
    if (!vds::uitest::hasFixture(QStringLiteral("video")))
      QSKIP("VDS_UI_FIXTURE_DIR has no tiny packages (run the cli.sample_models fixture)");
  }

  void columnsPlayInSync() {
    GenerationService service;
    CompareView view(&service);
    view.resize(1000, 700);
    view.show();
    view.setPrompts({QStringLiteral("a red circle moving left"), QStringLiteral("a blue square moving up")});
    view.setColumns({{QStringLiteral("teacher"), fixture(QStringLiteral("video")), 4},
                     {QStringLiteral("student"), fixture(QStringLiteral("video")), 1},
                     {QStringLiteral("missing"), QStringLiteral("builtin:no-such-package"), 2}});
    QSignalSpy done(&view, &CompareView::generationFinished);
    view.generate();
    QVERIFY(view.isGenerating());
    QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, kGenerateTimeoutMs);
    for (int row = 0; row < 2; ++row)
      for (int column = 0; column < 2; ++column) QVERIFY(!view.cell(row, column)->clips().empty());
    QVERIFY(view.cell(0, 2)->clips().empty());
    QVERIFY(view.columnHeader(0).contains(QStringLiteral("4 steps")));
    QVERIFY(view.columnHeader(0).contains(QStringLiteral("NFE 4")));
    QVERIFY(view.columnHeader(1).contains(QStringLiteral("NFE 1")));
    QVERIFY(view.columnHeader(1).contains(QStringLiteral("ms/clip")));

    // Scrub: every cell shows the frame asked for.
    view.clock()->pause();
    view.clock()->seek(1);
    for (int row = 0; row < 2; ++row)
      for (int column = 0; column < 3; ++column) QCOMPARE(view.cell(row, column)->shownFrame(), 1);
    // Play: cells advance together.
    view.clock()->play();
    QTRY_VERIFY(view.clock()->frame() == 0);
    for (int row = 0; row < 2; ++row)
      for (int column = 0; column < 3; ++column) QCOMPARE(view.cell(row, column)->shownFrame(), view.clock()->frame());
    view.clock()->pause();

    view.setWipe(0, 1, 1);
    view.wipe()->setPosition(0.25);
    QCOMPARE(view.wipe()->position(), 0.25);
    const QImage shot = view.grab().toImage();
    QVERIFY(!shot.isNull());
  }

  // A student column takes sampler, timesteps and guidance from its package; an i2v column
  // gets held-out first frames; a package without a sampling section says so in its cells.
  void studentColumnsUseTheirPackageSampling() {
    GenerationService service;
    CompareView view(&service);
    view.resize(1000, 700);
    view.show();
    CompareColumn student{QStringLiteral("student"), fixture(QStringLiteral("students/tiny-2step"))};
    student.packageSampling = true;
    CompareColumn plain{QStringLiteral("plain"), fixture(QStringLiteral("video"))};
    plain.packageSampling = true;
    view.setColumns({student, {QStringLiteral("i2v"), fixture(QStringLiteral("i2v")), 2, QStringLiteral("euler")}, plain});
    QVERIFY2(view.columnHeader(0).contains(QStringLiteral("2 steps")), qPrintable(view.columnHeader(0)));
    QVERIFY(view.columnHeader(0).contains(QStringLiteral("own sampling: consistency, cfg 1")));
    QSignalSpy done(&view, &CompareView::generationFinished);
    view.generate();
    QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, kGenerateTimeoutMs);
    QVERIFY(!view.cell(0, 0)->clips().empty());
    QVERIFY2(view.columnHeader(0).contains(QStringLiteral("NFE 2")), qPrintable(view.columnHeader(0)));
    QVERIFY(view.columnHeader(0).contains(QStringLiteral("ms/clip")));
    QVERIFY2(!view.cell(1, 1)->clips().empty(), qPrintable(view.cell(1, 1)->message()));
    QVERIFY(view.columnHeader(1).contains(QStringLiteral("first frames: held-out clips")));
    QVERIFY(view.columnHeader(1).contains(QStringLiteral("euler, cfg 1")));
    QVERIFY(view.cell(0, 2)->clips().empty());
    QVERIFY2(view.cell(0, 2)->message().contains(QStringLiteral("no 'sampling' section")), qPrintable(view.cell(0, 2)->message()));
  }

  // First launch: teacher at 25 steps, each package under resources/models/students/ with
  // its own sampling, then the teacher at 1, 2 and 4 steps; no students folder is fine.
  void defaultLayoutListsStudentsBetweenTeachers() {
    QTemporaryDir resources;
    QVERIFY(QFile::link(qEnvironmentVariable("VDS_UI_FIXTURE_DIR"), resources.filePath(QStringLiteral("models"))));
    qputenv("VDS_RESOURCES", resources.path().toLocal8Bit());
    std::vector<CompareColumn> columns = CompareView::defaultColumns();
    QCOMPARE(columns.size(), size_t{5});
    QCOMPARE(columns[0].steps, 25);
    QCOMPARE(columns[0].cfg, 4.0);
    QVERIFY(!columns[0].packageSampling);
    QCOMPARE(columns[1].package, QStringLiteral("builtin:students/tiny-2step"));
    QVERIFY(columns[1].packageSampling);
    for (int i = 0; i < 3; ++i) {
      QCOMPARE(columns[2 + i].steps, std::vector<int>({1, 2, 4})[i]);
      QCOMPARE(columns[2 + i].package, QStringLiteral("builtin:t2v-teacher"));
    }
    QCOMPARE(CompareView::defaultPrompts().size(), 2);

    QTemporaryDir empty;
    qputenv("VDS_RESOURCES", empty.path().toLocal8Bit());
    columns = CompareView::defaultColumns();
    qunsetenv("VDS_RESOURCES");
    QCOMPARE(columns.size(), size_t{4});
  }

  void styleGalleryRendersEveryPresentStyle() {
    GenerationService service;
    RunController run;
    StylesView view(&service, &run);
    view.show();
    PackageEntry image = describePackage(fixture(QStringLiteral("image")));
    QVERIFY(image.present);
    PackageEntry missing = describePackage(QStringLiteral("builtin:style-not-trained"));
    QVERIFY(!missing.present);
    view.setPackages({image, missing});
    QSignalSpy done(&view, &StylesView::galleryFinished);
    view.renderGallery();
    QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, kGenerateTimeoutMs);
    QVERIFY(!view.galleryCell(0)->clips().empty());
    QCOMPARE(view.galleryCell(0)->clips().frames, 1);  // an image model renders one frame
    QVERIFY(view.galleryCell(1)->clips().empty());
    view.selectPackage(0);
    QVERIFY(!view.swapToSelected());  // no run: nothing to swap
  }

  // Under each style, the student whose model.yaml says it was distilled with that style.
  void studentsAppearUnderTheStyleTheyWereDistilledWith() {
    // A copy of the fixture's 2-step student that names the fixture's `image` package as
    // its training style (references made absolute, weights copied).
    QTemporaryDir dir;
    const QString studentDir = dir.filePath(QStringLiteral("styled"));
    QVERIFY(QDir().mkpath(studentDir));
    const QString source = fixture(QStringLiteral("students/tiny-2step"));
    QVERIFY(QFile::copy(source + QStringLiteral("/model.safetensors"), studentDir + QStringLiteral("/model.safetensors")));
    QFile in(source + QStringLiteral("/model.yaml"));
    QVERIFY(in.open(QIODevice::ReadOnly));
    QString yaml = QString::fromUtf8(in.readAll());
    yaml.replace(QStringLiteral("../../ae"), QDir(fixture(QStringLiteral("ae"))).absolutePath());
    yaml.replace(QStringLiteral("../../text"), QDir(fixture(QStringLiteral("text"))).absolutePath());
    yaml += QStringLiteral("training:\n  style: %1\n").arg(QDir(fixture(QStringLiteral("image"))).absolutePath());
    QFile out(studentDir + QStringLiteral("/model.yaml"));
    QVERIFY(out.open(QIODevice::WriteOnly));
    out.write(yaml.toUtf8());
    out.close();
    const PackageEntry student = describePackage(studentDir);
    QVERIFY(student.present);
    QCOMPARE(student.trainingStyleDir, QFileInfo(fixture(QStringLiteral("image"))).canonicalFilePath());
    const PackageEntry plain = describePackage(fixture(QStringLiteral("students/tiny-2step")));
    QVERIFY(plain.trainingStyleDir.isEmpty());

    GenerationService service;
    RunController run;
    StylesView view(&service, &run);
    view.show();
    view.setPackages({describePackage(fixture(QStringLiteral("image"))), describePackage(fixture(QStringLiteral("image-b")))});
    view.setStudents({plain, student});
    QVERIFY(view.studentFor(0) != nullptr);
    QCOMPARE(view.studentFor(0)->dir, student.dir);
    QVERIFY(view.studentCell(0) != nullptr);
    QVERIFY(view.studentFor(1) == nullptr);  // nothing was distilled with image-b
    QVERIFY(view.studentCell(1) == nullptr);
    QSignalSpy done(&view, &StylesView::galleryFinished);
    view.renderGallery();
    QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, kGenerateTimeoutMs);
    // The student samples with its own sampling: a video, not the style model's one frame.
    const VideoClips clips = view.studentCell(0)->clips();
    QVERIFY(!clips.empty());
    QVERIFY(clips.frames > 1);
    bool listed = false;
    for (const auto& source : view.exportSources()) listed = listed || source.name.contains(student.name);
    QVERIFY(listed);
  }
};

QTEST_MAIN(CompareTest)
#include "test_compare.moc"
