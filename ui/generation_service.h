// Text- and image-to-video generation for the Compare and Styles views, off the UI
// thread. Calls are serialised on one pool thread (a pool of one), so generation never
// competes with itself for the cores, and loaded packages are cached by folder.
// Image-to-video packages start prompt i from the first frame of held-out clip i of the
// evaluation world (eval/evaluate.h), as `vdstudio-cli eval` does.
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
  // Sample as the package's own `sampling` section says (distilled students): its
  // sampler, timesteps and guidance replace steps, sampler and cfg. A package without
  // that section is an error, not a silent fallback.
  bool packageSampling = false;
  uint64_t seed = 0;
};

struct ClipResult {
  bool ok = false;
  QString error;  // the package or request at fault, when !ok
  VideoClips videos;
  int64_t nfe = 0;
  double millisecondsPerClip = 0;
  // How the clips were sampled, after packageSampling was applied.
  QString sampler;
  int steps = 0;  // sampled levels, not counting the clean one
  double cfg = 1.0;
  bool imageToVideo = false;  // first frames came from the held-out clips
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
