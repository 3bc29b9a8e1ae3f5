#include "ui/generation_service.h"

#include <QThreadPool>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <map>
#include <mutex>

#include "core/errors.h"
#include "core/paths.h"
#include "data/shapes_world.h"
#include "eval/evaluate.h"
#include "pipeline/generate.h"

namespace vds::ui {
namespace {

// [n,3,H,W] in [-1,1]: frame 0 of held-out clips 0..n-1 at the package's frame size.
torch::Tensor heldoutFirstFrames(const GenerationModels& models, int64_t n) {
  const ShapesWorld world(evalWorldFor(models));
  std::vector<torch::Tensor> frames;
  for (int64_t i = 0; i < n; ++i) frames.push_back(firstFrame(world.renderFloat(world.spec(Split::heldout, i))));
  return torch::stack(frames);
}

}  // namespace

struct GenerationService::Cache {
  std::mutex mutex;  // generateNow may also be called from a test's own thread
  std::map<std::string, std::unique_ptr<GenerationModels>> models;
};

GenerationService::GenerationService() : cache_(std::make_unique<Cache>()), pool_(std::make_unique<QThreadPool>()) {
  pool_->setMaxThreadCount(1);
}

GenerationService::~GenerationService() { waitForDone(); }

void GenerationService::waitForDone() { pool_->waitForDone(); }

QFuture<ClipResult> GenerationService::submit(const ClipRequest& request) {
  return QtConcurrent::run(pool_.get(), [this, request] { return generateNow(request); });
}

ClipResult GenerationService::generateNow(const ClipRequest& request) {
  ClipResult result;
  try {
    std::lock_guard<std::mutex> lock(cache_->mutex);
    const std::string dir = resolveModelPath(request.package.toStdString()).string();
    auto& slot = cache_->models[dir];
    if (!slot) slot = std::make_unique<GenerationModels>(GenerationModels::load(dir));
    GenerateRequest g;
    for (const QString& p : request.prompts) g.prompts.push_back(p.toStdString());
    g.steps = request.steps;
    g.cfg = request.cfg;
    g.sampler = diffusion::parseSamplerKind(request.sampler.toStdString());
    g.seed = request.seed;
    if (request.packageSampling) {
      const auto& own = slot->model.spec.sampling;
      if (!own)
        throw ConfigError(dir + "/model.yaml has no 'sampling' section (is it a distilled student?); "
                          "choose a sampler and steps for this column instead of 'package'");
      g.sampler = own->sampler;
      g.timesteps = own->timesteps;
      g.cfg = own->cfg;
    }
    if (slot->isImageToVideo()) g.firstFrames = heldoutFirstFrames(*slot, static_cast<int64_t>(g.prompts.size()));
    const GenerateResult out = generate(*slot, g);
    const torch::Tensor videos = out.videos.to(torch::kCPU).contiguous();  // [B,F,H,W,3] uint8
    VideoClips& v = result.videos;
    v.clips = static_cast<int>(videos.size(0));
    v.frames = static_cast<int>(videos.size(1));
    v.height = static_cast<int>(videos.size(2));
    v.width = static_cast<int>(videos.size(3));
    v.rgb.assign(videos.data_ptr<uint8_t>(), videos.data_ptr<uint8_t>() + videos.numel());
    v.captions = request.prompts;
    result.nfe = out.nfe;
    result.millisecondsPerClip = v.clips > 0 ? out.milliseconds / v.clips : 0;
    result.sampler = QString::fromStdString(diffusion::toString(g.sampler));
    result.steps = std::max(0, static_cast<int>(out.levels.size()) - 1);
    result.cfg = g.cfg;
    result.imageToVideo = slot->isImageToVideo();
    result.ok = true;
  } catch (const std::exception& e) {
    result.error = QString::fromStdString(e.what());
  }
  return result;
}

}  // namespace vds::ui
