// Text-to-video generation for the Compare and Styles views, off the UI thread. Calls
// are serialised on one pool thread (a pool of one), so generation never competes with
// itself for the cores, and loaded packages are cached by folder.
#pragma once
#include <QFuture>
#include <QString>
#include <QStringList>

#include <cstdint>
#include <memory>

#include "ui/video_clips.h"

class QThreadPool;

namespace vds::ui {

struct ClipRequest {
  QString package;  // "builtin:NAME" or a folder
  QStringList prompts;
  int steps = 4;
  double cfg = 1.0;
  QString sampler = QStringLiteral("ddim");
  uint64_t seed = 0;
};

struct ClipResult {
  bool ok = false;
  QString error;  // the package or request at fault, when !ok
  VideoClips videos;
  int64_t nfe = 0;
  double millisecondsPerClip = 0;
};

class GenerationService {
 public:
  GenerationService();
  ~GenerationService();
  GenerationService(const GenerationService&) = delete;
  GenerationService& operator=(const GenerationService&) = delete;

  // Runs on the service's thread; the future never throws (errors are in the result).
  QFuture<ClipResult> submit(const ClipRequest& request);
  // Blocking form, for the worker thread itself and for tests.
  ClipResult generateNow(const ClipRequest& request);
  // Waits for every submitted request (at shutdown).
  void waitForDone();

 private:
  struct Cache;
  std::unique_ptr<Cache> cache_;
  std::unique_ptr<QThreadPool> pool_;
};

}  // namespace vds::ui
