// Training of the evaluation classifier (ARCHITECTURE §5-§6) on real Shapes clips of
// every style: per object slot its shape, colour and direction, and the clip's style.
// It is frozen afterwards; its features drive FVD-S and its heads the accuracies.
#include "data/shape_styles.h"
#include "eval/labels.h"
#include "methods/pretrain.h"
#include "pipeline/model_zoo.h"

namespace vds {
namespace {

class EvalNetPretraining : public Method {
 public:
  std::string name() const override { return "evalnet"; }

  ConfigSchema schema() const override {
    ConfigSchema s;
    s.add(withRange(makeField("method.evalnet.lr", FieldType::Float, YAML::Node(1e-3), "AdamW learning rate."), 0, 1));
    s.add(makeField("method.evalnet.architecture", FieldType::Map, YAML::Node(YAML::NodeType::Map),
                    "EvalNetOptions overrides (channels, feature_dim, pooling)."));
    s.add(withRange(makeField("method.evalnet.still_fraction", FieldType::Float, YAML::Node(0.25),
                              "Fraction of each batch shown as still clips (frame 0 held), so that image "
                              "models evaluated as still clips are judged on data the net has seen. Their "
                              "direction targets are ignored."),
                    0, 1));
    return s;
  }

  std::shared_ptr<const ClipDataset> makeDataset(const Config& config, Split split) const override {
    auto data = std::make_shared<ShapesDataset>(worldOptionsFrom(config), split, clipsFor(config, split),
                                                std::vector<Style>(kAllStyles.begin(), kAllStyles.end()));
    if (split == Split::train) train_ = data;
    return data;
  }

  void setup(TrainContext& ctx) override {
    if (!train_) makeDataset(ctx.config, Split::train);
    torch::manual_seed(static_cast<uint64_t>(ctx.config.get<int64_t>("run.seed")));
    options_ = EvalNetOptions::fromYaml(ctx.config.node("method.evalnet.architecture"));
    net_ = EvalNet(options_);
    net_->to(ctx.device);
    SlotOptions o;
    o.learningRate = ctx.config.get<double>("method.evalnet.lr");
    ctx.slots.add(slot::kModel, net_.ptr(), o);
    stillFraction_ = ctx.config.get<double>("method.evalnet.still_fraction");
  }

  StepResult step(TrainContext& ctx, const Batch& batch) override {
    net_->train();
    std::vector<ClipSpec> specs;
    std::vector<Style> styles;
    for (int64_t index : batch.indices) {
      specs.push_back(train_->specOf(index));
      styles.push_back(train_->styleOf(index));
    }
    EvalNetTargets targets = targetsFor(specs, styles, options_.slots);
    torch::Tensor video = batch.video;
    if (stillFraction_ > 0) {
      // Drawn from the run's stream, so resume replays the same choice.
      const torch::Tensor still = ctx.rand({video.size(0)}).to(torch::kCPU).lt(stillFraction_);
      const torch::Tensor held = video.narrow(1, 0, 1).expand_as(video);
      video = torch::where(still.view({-1, 1, 1, 1, 1}), held, video);
      const torch::Tensor object = targets.direction.ne(kDirectionClasses);
      targets.direction.masked_fill_(still.unsqueeze(1) & object, EvalNetTargets::kIgnoreTarget);
    }
    const EvalNetOutput out = net_->forward(video.to(ctx.device));
    const torch::Tensor loss = evalNetLoss(out, moveTargets(targets, ctx.device));
    StepResult r;
    r.losses["classification"] = loss.item<double>();
    {
      torch::NoGradGuard noGrad;
      int64_t right = 0, total = 0;
      const auto predicted = decodeStyles(out);
      for (size_t i = 0; i < styles.size(); ++i, ++total) right += predicted[i] == styles[i];
      r.diagnostics["style_accuracy"] = static_cast<double>(right) / static_cast<double>(total);
    }
    ctx.optimize(slot::kModel, loss);
    return r;
  }

  std::vector<SampleOutput> sample(TrainContext&, const SampleRequest& request) override {
    // A classifier has no samples to show; the preview is the clips it is judged on.
    return {{"real", toUint8Video(request.videos)}};
  }

  void exportPackage(TrainContext& ctx, const std::string& dir) override {
    PackageInfo info = trainedPackageInfo(ctx, "shapes-eval-net",
                                          "Frozen classifier of object attributes and style; its features drive FVD-S.");
    info.training["data_style"] = "all";  // makeDataset renders every style, whatever data.style says
    info.training["still_fraction"] = stillFraction_;
    saveEvalNet(dir, info, net_);
  }

 private:
  static EvalNetTargets moveTargets(const EvalNetTargets& t, const torch::Device& d) {
    return {t.shape.to(d), t.colour.to(d), t.direction.to(d), t.style.to(d)};
  }

  mutable std::shared_ptr<const ShapesDataset> train_;
  EvalNetOptions options_;
  EvalNet net_{nullptr};
  double stillFraction_ = 0;
};

}  // namespace

std::unique_ptr<Method> makeEvalNetPretraining() { return std::make_unique<EvalNetPretraining>(); }

}  // namespace vds
