// The Dear ImGui profiler overlay on a real OpenGL context (ui.profiler_gl, run by CTest
// under xvfb-run with the xcb platform; the offscreen suites only reach the QPainter
// fallback). It checks that ImGui initialises and draws its panel, that F12 in the main
// window's action brings up the OpenGL overlay, and that Qt mouse input reaches ImGui: dragging
// the panel's title bar moves the drawn panel by the drag distance.
#include <QAction>
#include <QApplication>
#include <QMouseEvent>
#include <QtTest/QtTest>

#include "ui/main_window.h"
#include "ui/profiler_overlay.h"
#include "ui_test_support.h"

using namespace vds::ui;

namespace {

// The bounding box of the pixels ImGui drew (the clear colour is fully transparent).
QRect drawnBox(const QImage& frame) {
  const QImage img = frame.convertToFormat(QImage::Format_ARGB32);
  int left = img.width(), top = img.height(), right = -1, bottom = -1;
  for (int y = 0; y < img.height(); ++y) {
    const auto* row = reinterpret_cast<const QRgb*>(img.constScanLine(y));
    for (int x = 0; x < img.width(); ++x) {
      if (qAlpha(row[x]) == 0) continue;
      left = std::min(left, x);
      right = std::max(right, x);
      top = std::min(top, y);
      bottom = std::max(bottom, y);
    }
  }
  return right < 0 ? QRect() : QRect(QPoint(left, top), QPoint(right, bottom));
}

void sendMouse(QWidget* w, QEvent::Type type, QPoint pos, Qt::MouseButton button, Qt::MouseButtons held) {
  QMouseEvent event(type, QPointF(pos), QPointF(w->mapToGlobal(pos)), button, held, Qt::NoModifier);
  QCoreApplication::sendEvent(w, &event);
}

}  // namespace

class ProfilerGl : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void initTestCase() {
    vds::uitest::isolateSettings();
    QVERIFY2(openGlAvailable(), "no OpenGL context on this display; run under xvfb-run with QT_QPA_PLATFORM=xcb");
  }

  void drawsThePanelWithTheFigures() {
    ProfilerStats stats;
    stats.device = QStringLiteral("cpu (1 threads)");
    stats.phaseMilliseconds = {{"generator", 40.0}, {"discriminator", 20.0}};
    ProfilerOverlay overlay(&stats);
    overlay.resize(640, 480);
    overlay.show();
    QVERIFY(QTest::qWaitForWindowExposed(&overlay));
    const QImage frame = overlay.grabFramebuffer();
    QVERIFY(overlay.imguiReady());
    QVERIFY(overlay.framesDrawn() >= 1);
    const QRect box = drawnBox(frame);
    QVERIFY2(!box.isNull(), "ImGui drew nothing");
    // The panel is placed at (8, 8) and 300 px wide; it does not fill the widget.
    QVERIFY2(std::abs(box.left() - 8) <= 2 && std::abs(box.top() - 8) <= 2, qPrintable(QStringLiteral("box %1,%2").arg(box.left()).arg(box.top())));
    QVERIFY(std::abs(box.width() - 300) <= 4);
    QVERIFY(box.bottom() < frame.height() - 1);
    // Text and bars make the panel more than one colour.
    QSet<QRgb> colours;
    const QImage panel = frame.copy(box).convertToFormat(QImage::Format_ARGB32);
    for (int y = 0; y < panel.height(); y += 2)
      for (int x = 0; x < panel.width(); x += 2) colours.insert(panel.pixel(x, y));
    QVERIFY(colours.size() > 8);
  }

  void mouseDragMovesThePanel() {
    ProfilerStats stats;
    stats.device = QStringLiteral("cpu");
    ProfilerOverlay overlay(&stats);
    overlay.resize(640, 480);
    overlay.show();
    QVERIFY(QTest::qWaitForWindowExposed(&overlay));
    const QRect before = drawnBox(overlay.grabFramebuffer());
    QVERIFY(!before.isNull());
    // Grab the title bar (just inside the panel's top edge), drag by (100, 80) in steps,
    // rendering a frame after each event as the event loop would.
    QPoint at = before.topLeft() + QPoint(60, 6);
    sendMouse(&overlay, QEvent::MouseMove, at, Qt::NoButton, Qt::NoButton);
    overlay.grabFramebuffer();
    sendMouse(&overlay, QEvent::MouseButtonPress, at, Qt::LeftButton, Qt::LeftButton);
    overlay.grabFramebuffer();
    for (int i = 0; i < 10; ++i) {
      at += QPoint(10, 8);
      sendMouse(&overlay, QEvent::MouseMove, at, Qt::NoButton, Qt::LeftButton);
      overlay.grabFramebuffer();
    }
    sendMouse(&overlay, QEvent::MouseButtonRelease, at, Qt::LeftButton, Qt::NoButton);
    overlay.grabFramebuffer();
    const QRect after = drawnBox(overlay.grabFramebuffer());
    const QPoint moved = after.topLeft() - before.topLeft();
    QVERIFY2(std::abs(moved.x() - 100) <= 3 && std::abs(moved.y() - 80) <= 3,
             qPrintable(QStringLiteral("panel moved by (%1, %2), expected (100, 80)").arg(moved.x()).arg(moved.y())));
  }

  void f12InTheStudioShowsTheOpenGlOverlay() {
    QTemporaryDir dir;
    MainWindow w(vds::uitest::optionsIn(dir));
    w.resize(1280, 820);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    // Xvfb runs no window manager, so the window never becomes active and key shortcuts
    // are not delivered; trigger the action that F12 is bound to instead.
    QAction* toggle = nullptr;
    for (QAction* a : w.findChildren<QAction*>())
      if (a->shortcut() == QKeySequence(Qt::Key_F12)) toggle = a;
    QVERIFY2(toggle != nullptr, "no action is bound to F12");
    QCOMPARE(toggle->shortcutContext(), Qt::ApplicationShortcut);
    QVERIFY(!w.profilerVisible());
    toggle->trigger();
    QTRY_VERIFY(w.profilerVisible());
    auto* overlay = qobject_cast<ProfilerOverlay*>(w.profiler());
    QVERIFY2(overlay != nullptr, "F12 showed the QPainter fallback although OpenGL is available");
    QTRY_VERIFY(overlay->framesDrawn() > 0);
    QVERIFY(overlay->imguiReady());
    toggle->trigger();
    QTRY_VERIFY(!w.profilerVisible());
  }
};

QTEST_MAIN(ProfilerGl)
#include "gl_profiler_overlay.moc"
