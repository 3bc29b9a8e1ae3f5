// Pre-training of the per-frame autoencoder shared by every model of the world.
// It sees frames of every style, since style models and students decode through it.
#include "core/errors.h"
#include "data/shape_styles.h"
#include "pipeline/model_zoo.h"
#include "methods/pretrain.h"
#include "models/autoencoder.h"

namespace vds {
namespace {

constexpr const char* kPrefix = "method.autoencoder.";
// Frames used to set the latent scale at export: enough for a stable standard deviation.
constexpr int64_t kCalibrationClips = 64;

class AutoencoderPretraining : public Method {
 public:
  std::string name() const override { return "autoencoder"; }

  ConfigSchema schema() const override {
    ConfigSchema s;
    s.add(withRange(makeField("method.autoencoder.lr", FieldType::Float, YAML::Node(2e-3), "AdamW learning rate."), 0, 1));
    s.add(withRange(makeField("method.autoencoder.latent_penalty", FieldType::Float, YAML::Node(1e-4),
                              "Weight of the L2 penalty that keeps latents compact and centred."),
                    0, std::nullopt));
    s.add(makeField("method.autoencoder.architecture", FieldType::Map, YAML::Node(YAML::NodeType::Map),
                    "AutoencoderOptions overrides (channels, blocks_per_level, ...); empty for the defaults."));
    return s;
  }

  std::shared_ptr<const ClipDataset> makeDataset(const Config& config, Split split) const override {
    return std::make_shared<ShapesDataset>(worldOptionsFrom(config), split, clipsFor(config, split),
                                           std::vector<Style>(kAllStyles.begin(), kAllStyles.end()));
  }

  void setup(TrainContext& ctx) override {
    options_ = AutoencoderOptions::fromYaml(ctx.config.node(std::string(kPrefix) + "architecture"));
    torch::manual_seed(static_cast<uint64_t>(ctx.config.get<int64_t>("run.seed")));
    model_ = Autoencoder(options_);
    model_->to(ctx.device);
    SlotOptions o;
    o.learningRate = ctx.config.get<double>(std::string(kPrefix) + "lr");
    ctx.slots.add(slot::kModel, model_.ptr(), o);
  }

  StepResult step(TrainContext& ctx, const Batch& batch) override {
    model_->train();
    const torch::Tensor frames = batch.video.to(ctx.device).flatten(0, 1);
    const AutoencoderLoss loss =
        autoencoderLoss(model_, frames, ctx.config.get<double>(std::string(kPrefix) + "latent_penalty"));
    StepResult r;
    r.losses["total"] = loss.total.item<double>();
    r.losses["reconstruction"] = loss.reconstruction.item<double>();
    r.losses["latent_penalty"] = loss.latentPenalty.item<double>();
    ctx.optimize(slot::kModel, loss.total);
    return r;
  }

  std::vector<SampleOutput> sample(TrainContext& ctx, const SampleRequest& request) override {
    torch::NoGradGuard noGrad;
    model_->eval();
    const torch::Tensor videos = request.videos.to(ctx.device);
    const auto b = videos.size(0), f = videos.size(1);
    const torch::Tensor recon = model_->forward(videos.flatten(0, 1)).reshape(videos.sizes());
    (void)b;
    (void)f;
    return {{"input", toUint8Video(videos)}, {"reconstruction", toUint8Video(recon)}};
  }

  void exportPackage(TrainContext& ctx, const std::string& dir) override {
    // The latent scale is set from frames of every style, so all diffusion models of
    // the world see unit-variance latents (ARCHITECTURE §5).
    const auto data = makeDataset(ctx.config, Split::heldout);
    std::vector<torch::Tensor> frames;
    for (int64_t i = 0; i < std::min<int64_t>(kCalibrationClips, data->size()); ++i) frames.push_back(data->get(i).video);
    {
      torch::NoGradGuard noGrad;
      model_->eval();
      model_->calibrateLatentScale(torch::cat(frames, 0).to(ctx.device));
    }
    PackageInfo info =
        trainedPackageInfo(ctx, "shapes-autoencoder", "Per-frame autoencoder of the Shapes world, trained on every style.");
    info.training["data_style"] = "all";  // makeDataset renders every style, whatever data.style says
    saveAutoencoder(dir, info, model_);
  }

 private:
  AutoencoderOptions options_;
  Autoencoder model_{nullptr};
};

}  // namespace

std::unique_ptr<Method> makeAutoencoderPretraining() { return std::make_unique<AutoencoderPretraining>(); }

PackageInfo trainedPackageInfo(const TrainContext& ctx, const std::string& name, const std::string& description) {
  PackageInfo info;
  info.name = name;
  info.description = description;
  info.training["steps"] = ctx.step;
  info.training["seed"] = ctx.config.get<int64_t>("run.seed");
  info.training["method"] = ctx.config.get<std::string>("method.name");
  info.training["data_style"] = ctx.config.get<std::string>("data.style");
  return info;
}

std::string packageReference(const std::filesystem::path& packageDir, const std::filesystem::path& target) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path rel = fs::relative(fs::absolute(target), fs::absolute(packageDir), ec);
  return ec || rel.empty() ? fs::absolute(target).string() : rel.string();
}

torch::Tensor toUint8Video(const torch::Tensor& video) {
  return ((video.detach().to(torch::kCPU, torch::kFloat).clamp(-1, 1) + 1.0) * 127.5)
      .round()
      .to(torch::kUInt8)
      .permute({0, 1, 3, 4, 2})
      .contiguous();
}

}  // namespace vds
