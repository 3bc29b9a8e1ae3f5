// Motion modules, the video UNet and the image-to-video UNet: identity at start, frame
// interaction once trained, strict loading of image UNet weights, options YAML.
#include <algorithm>
#include <cmath>

#include "core/errors.h"
#include "models/i2v_unet.h"
#include "models/video_unet.h"
#include "support/test_support.h"

using vds::test::maxAbsDiff;

namespace {

vds::ImageUNetOptions tinySpatial() {
  vds::ImageUNetOptions o;
  o.baseChannels = 8;
  o.channelMults = {1, 2};
  o.attentionLevels = {1};
  o.heads = 2;
  o.contextDim = 8;
  o.maxGroups = 4;
  return o;
}

// Image-to-video inputs: two clips of 3 equal noisy frames, their noise levels and
// conditions. A fresh video UNet denoises each frame alone, so equal frames stay equal
// unless something marks frame 0.
struct EqualFrames {
  torch::Tensor x = torch::randn({2, 1, 4, 8, 8}).expand({2, 3, 4, 8, 8}).contiguous();
  torch::Tensor cNoise = torch::tensor({-1.0f, 0.7f});
  torch::Tensor first = torch::randn({2, 4, 8, 8});
};

// A lone motion module on 8 channels.
vds::MotionModuleOptions tinyMotion() {
  vds::MotionModuleOptions o;
  o.channels = 8;
  o.heads = 2;
  o.maxGroups = 4;
  return o;
}

vds::VideoUNetOptions tinyVideo() {
  vds::VideoUNetOptions o;
  o.spatial = tinySpatial();
  o.motion.heads = 2;
  o.motion.maxGroups = 4;
  return o;
}

// The spatial UNet applied to each frame alone: [B,F,C,h,w] -> [B,F,C,h,w].
torch::Tensor perFrame(vds::ImageUNet& unet, const torch::Tensor& x, const torch::Tensor& t, const torch::Tensor& ctx) {
  const int64_t frames = x.size(1);
  auto out = unet(x.flatten(0, 1), t.repeat_interleave(frames), ctx.repeat_interleave(frames, 0));
  return out.view(x.sizes());
}

struct Inputs {
  torch::Tensor x = torch::randn({2, 4, 4, 8, 8});
  torch::Tensor t = torch::tensor({50.f, 700.f});
  torch::Tensor context = torch::randn({2, 3, 8});
};

}  // namespace

class ModelsVideoTest : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  // Tiny tensors: thread start-up and contention cost more than they save (25x on a busy 2-core box).
  void initTestCase() { torch::set_num_threads(1); }

  void init() { torch::manual_seed(11); }

  void freshMotionModuleIsIdentity() {
    vds::MotionModuleOptions o = tinyMotion();
    vds::MotionModule motion(o);
    auto h = torch::randn({6, 8, 4, 4});
    QCOMPARE(maxAbsDiff(motion(h, 3), h), 0.0);
  }

  // The temporal convolution starts at zero (the module stays the identity); once trained
  // it is a 3x3x3 convolution over (frame, y, x) of the clip, checked against a volume
  // built frame by frame with torch::stack (proj_out is still zero, so the attention adds
  // nothing).
  void temporalConvStartsAtZeroAndConvolvesFramesAndPixels() {
    vds::MotionModuleOptions o = tinyMotion();
    o.temporalConv = true;
    vds::MotionModule motion(o);
    torch::NoGradGuard noGrad;
    const auto h = torch::randn({10, 8, 6, 6});  // two clips of 5 frames
    QCOMPARE(maxAbsDiff(motion(h, 5), h), 0.0);
    motion->conv->weight.normal_(0.0, 0.2);
    motion->conv->bias.normal_(0.0, 0.2);
    const auto out = motion(h, 5);
    for (int64_t clip = 0; clip < 2; ++clip) {
      std::vector<torch::Tensor> frames;
      for (int64_t f = 0; f < 5; ++f) frames.push_back(h[clip * 5 + f]);
      const auto volume = torch::stack(frames, 1).unsqueeze(0);  // [1, C, F, H, W]
      namespace F = torch::nn::functional;
      const auto normed = F::group_norm(volume, F::GroupNormFuncOptions(4)
                                                    .weight(motion->conv_norm->weight)
                                                    .bias(motion->conv_norm->bias)
                                                    .eps(motion->conv_norm->options.eps()));
      const auto mixed = F::conv3d(torch::silu(normed), motion->conv->weight,
                                   F::Conv3dFuncOptions().bias(motion->conv->bias).padding(1));
      for (int64_t f = 0; f < 5; ++f)
        QVERIFY(maxAbsDiff(out[clip * 5 + f], h[clip * 5 + f] + mixed[0].select(1, f)) < 1e-5);
    }
    // Packages written before the option have no key: no convolution, no tensors.
    QVERIFY(!vds::MotionModuleOptions::fromYaml(YAML::Load("{heads: 2}")).temporalConv);
    QVERIFY(vds::MotionModuleOptions::fromYaml(YAML::Load("{temporal_conv: true}")).temporalConv);
    QVERIFY(vds::MotionModuleOptions::fromYaml(YAML::Load("{temporal_conv: true}")).toYaml()["temporal_conv"].as<bool>());
    vds::MotionModuleOptions plain = o;
    plain.temporalConv = false;
    for (const auto& p : vds::MotionModule(plain)->named_parameters()) QVERIFY(p.key().rfind("conv", 0) != 0);
  }

  // spatial_position: the Fourier features are the closed form of motion_module.h, a fresh
  // module is still the identity, and a trained one tells pixels apart that have the same
  // features, which a module without it cannot (its attention runs per pixel with shared
  // weights, so equal inputs give equal outputs).
  void spatialPositionTellsPixelsApart() {
    const auto features = vds::spatialFourierFeatures(2, 4, torch::TensorOptions().dtype(torch::kFloat64));
    QCOMPARE(features.sizes().vec(), (std::vector<int64_t>{8, 4 * vds::kPositionFrequencies}));
    const double y = 0.5, x = 0.25;  // row 1 of 2 and column 2 of 4: centres (2*1+1)/2-1, (2*2+1)/4-1
    for (int64_t k = 0; k < vds::kPositionFrequencies; ++k) {
      const double f = M_PI * std::pow(2.0, static_cast<double>(k));
      const auto row = features[1 * 4 + 2];
      const int64_t n = vds::kPositionFrequencies;
      QVERIFY(std::abs(row[k].item<double>() - std::sin(f * y)) < 1e-6);
      QVERIFY(std::abs(row[n + k].item<double>() - std::cos(f * y)) < 1e-6);
      QVERIFY(std::abs(row[2 * n + k].item<double>() - std::sin(f * x)) < 1e-6);
      QVERIFY(std::abs(row[3 * n + k].item<double>() - std::cos(f * x)) < 1e-6);
    }

    torch::NoGradGuard noGrad;
    // Every pixel of every frame differs, but each pixel has the same sequence over frames.
    const auto perFrame = torch::randn({6, 8, 1, 1});  // two clips of 3 frames
    const auto h = perFrame.expand({6, 8, 5, 5}).contiguous();
    auto spread = [](const torch::Tensor& out) {  // largest difference between two pixels
      const auto flat = out.flatten(2);
      return (flat - flat.select(2, 0).unsqueeze(2)).abs().max().item<double>();
    };
    for (bool position : {false, true}) {
      vds::MotionModuleOptions o = tinyMotion();
      o.spatialPosition = position;
      vds::MotionModule motion(o);
      QCOMPARE(static_cast<bool>(motion->pos_proj), position);
      QCOMPARE(maxAbsDiff(motion(h, 3), h), 0.0);  // fresh: the identity
      motion->proj_out->weight.normal_(0.0, 0.2);
      const auto out = motion(h, 3);
      QVERIFY(maxAbsDiff(out, h) > 1e-3);
      if (position)
        QVERIFY(spread(out) > 1e-3);
      else
        QVERIFY(spread(out) < 1e-5);
    }
    QVERIFY(!vds::MotionModuleOptions::fromYaml(YAML::Load("{heads: 2}")).spatialPosition);
    QVERIFY(vds::MotionModuleOptions::fromYaml(YAML::Load("{spatial_position: true}")).toYaml()["spatial_position"].as<bool>());
  }

  void freshVideoUNetIsImageUNetPerFrame() {
    vds::VideoUNet video(tinyVideo());
    torch::NoGradGuard noGrad;
    Inputs in;
    auto out = video(in.x, in.t, in.context);
    QCOMPARE(out.sizes().vec(), (std::vector<int64_t>{2, 4, 4, 8, 8}));
    QVERIFY(maxAbsDiff(out, perFrame(video->spatial, in.x, in.t, in.context)) < 1e-6);
    QCOMPARE(static_cast<int64_t>(video->motion->size()),
             static_cast<int64_t>(video->spatial->blockChannels().size()));
  }

  void framesInteractOnlyThroughMotionModules() {
    vds::VideoUNet video(tinyVideo());
    torch::NoGradGuard noGrad;
    Inputs in;
    auto changed = in.x.clone();
    changed.select(1, 0).add_(torch::randn({2, 4, 8, 8}));  // change frame 0 only
    auto frame3 = [&](const torch::Tensor& x) { return video(x, in.t, in.context).select(1, 3); };
    QVERIFY(maxAbsDiff(frame3(changed), frame3(in.x)) < 1e-6);

    auto* motion = video->motion[2]->as<vds::MotionModuleImpl>();
    motion->proj_out->weight.normal_(0.0, 0.2);
    QVERIFY(maxAbsDiff(frame3(changed), frame3(in.x)) > 1e-4);
  }

  // With text attention, a trained motion module hears the caption: changing the context
  // changes the output through the motion modules even when the spatial layers ignore it
  // (their cross-attention zeroed). Without it, the same change does nothing.
  void textAttentionLetsMotionHearTheCaption() {
    Inputs in;
    auto otherContext = in.context.clone();
    otherContext.select(0, 1).add_(torch::randn({3, 8}));  // clip 1's caption only
    for (bool textAttention : {false, true}) {
      auto o = tinyVideo();
      o.motion.textAttention = textAttention;
      vds::VideoUNet video(o);
      torch::NoGradGuard noGrad;
      for (auto& item : video->spatial->named_parameters())
        if (item.key().find("attn2.") != std::string::npos) item.value().zero_();
      auto run = [&](const torch::Tensor& context) { return video(in.x, in.t, context); };
      QCOMPARE(maxAbsDiff(run(otherContext), run(in.context)), 0.0);  // fresh: motion is the identity
      for (size_t i = 0; i < video->motion->size(); ++i)
        video->motion[i]->as<vds::MotionModuleImpl>()->proj_out->weight.normal_(0.0, 0.2);
      const auto a = run(in.context), b = run(otherContext);
      QCOMPARE(maxAbsDiff(a.select(0, 0), b.select(0, 0)), 0.0);  // clip 0 keeps its caption
      if (textAttention)
        QVERIFY(maxAbsDiff(a.select(0, 1), b.select(0, 1)) > 1e-4);
      else
        QCOMPARE(maxAbsDiff(a.select(0, 1), b.select(0, 1)), 0.0);
    }
  }

  // frame_embedding: a fresh model is still the image UNet per frame; the offset goes into
  // the timestep embedding (a constant offset equals raising time_fc2's bias by it); a
  // trained one draws equal frames differently, which nothing else in a fresh video UNet
  // can (its parameters count as motion parameters: parameterGroupsPartitionTheModel).
  void frameEmbeddingTellsFramesApart() {
    auto o = tinyVideo();
    o.motion.frameEmbedding = true;
    vds::VideoUNet video(o);
    torch::NoGradGuard noGrad;
    Inputs in;
    QVERIFY(maxAbsDiff(video(in.x, in.t, in.context), perFrame(video->spatial, in.x, in.t, in.context)) < 1e-6);

    const auto beta = torch::randn({video->spatial->options().resolvedTimeEmbedDim()});
    video->frame_embed->bias.copy_(beta);  // the same offset for every frame
    vds::ImageUNet shifted(tinySpatial());
    {
      auto state = vds::namedState(*video->spatial);
      for (auto& [name, tensor] : vds::namedState(*shifted)) tensor.copy_(state.at(name));
      shifted->time_fc2->bias.add_(beta);
    }
    QVERIFY(maxAbsDiff(video(in.x, in.t, in.context), perFrame(shifted, in.x, in.t, in.context)) < 1e-5);

    const auto equal = torch::randn({2, 1, 4, 8, 8}).expand({2, 3, 4, 8, 8}).contiguous();
    auto frameSpread = [&](vds::VideoUNet& model) {
      const auto out = model(equal, in.t, in.context);
      return std::max(maxAbsDiff(out.select(1, 1), out.select(1, 0)), maxAbsDiff(out.select(1, 2), out.select(1, 0)));
    };
    QVERIFY(frameSpread(video) < 1e-6);  // a per-frame bias alone does not tell frames apart
    video->frame_embed->weight.normal_(0.0, 0.5);
    QVERIFY(frameSpread(video) > 1e-3);
    vds::VideoUNet plain(tinyVideo());
    QVERIFY(!plain->frame_embed);
    QVERIFY(frameSpread(plain) < 1e-6);

    // Packages written before the option have no key: no frame embedding.
    QVERIFY(!vds::VideoUNetOptions::fromYaml(YAML::Load("motion: {heads: 2}")).motion.frameEmbedding);
    QVERIFY(vds::VideoUNetOptions::fromYaml(YAML::Load(YAML::Dump(o.toYaml()))).motion.frameEmbedding);
  }

  void textAttentionNeedsATextConditionedSpatialUNet() {
    auto o = tinyVideo();
    o.motion.textAttention = true;
    o.spatial.contextDim = 0;
    VDS_EXPECT_THROW_MSG(vds::VideoUNet{o}, vds::ConfigError, "text_attention");
    // Packages written before the option have no key: no text attention.
    QVERIFY(!vds::VideoUNetOptions::fromYaml(YAML::Load("motion: {heads: 2}")).motion.textAttention);
    QVERIFY(vds::VideoUNetOptions::fromYaml(YAML::Load("motion: {text_attention: true}")).motion.textAttention);
  }

  void loadSpatialStateMatchesImageUNet() {
    vds::ImageUNet image(tinySpatial());
    vds::VideoUNet video(tinyVideo());
    video->loadSpatialState(vds::namedState(*image));
    torch::NoGradGuard noGrad;
    Inputs in;
    QVERIFY(maxAbsDiff(video(in.x, in.t, in.context), perFrame(image, in.x, in.t, in.context)) < 1e-6);
  }

  void loadSpatialStateIsStrict() {
    vds::ImageUNet image(tinySpatial());
    vds::VideoUNet video(tinyVideo());
    const auto before = video->spatial->conv_in->weight.clone();

    auto state = vds::namedState(*image);
    state["conv_out.weight"] = torch::zeros({4, 8, 1, 1});
    VDS_EXPECT_THROW_MSG(video->loadSpatialState(state), vds::ModelPackageError, "conv_out.weight");
    QCOMPARE(maxAbsDiff(video->spatial->conv_in->weight, before), 0.0);  // nothing copied

    state = vds::namedState(*image);
    state.erase("mid.res1.conv1.bias");
    VDS_EXPECT_THROW_MSG(video->loadSpatialState(state), vds::ModelPackageError, "mid.res1.conv1.bias");

    state = vds::namedState(*image);
    state["motion.0.proj_out.weight"] = torch::zeros({8, 8});
    VDS_EXPECT_THROW_MSG(video->loadSpatialState(state), vds::ModelPackageError, "motion.0.proj_out.weight");
  }

  void parameterGroupsPartitionTheModel() {
    for (bool frameEmbedding : {false, true}) {
      auto o = tinyVideo();
      o.motion.frameEmbedding = frameEmbedding;
      vds::VideoUNet video(o);
      int64_t spatial = 0, motion = 0, all = 0;
      for (const auto& p : video->spatialParameters()) spatial += p.numel();
      for (const auto& p : video->motionParameters()) motion += p.numel();
      for (const auto& p : video->parameters()) all += p.numel();
      QVERIFY(spatial > 0 && motion > 0);
      QCOMPARE(spatial + motion, all);
      bool named = false;
      for (const auto& item : video->named_parameters()) named = named || item.key() == "motion.0.proj_out.weight";
      QVERIFY(named);
    }
    QVERIFY(vds::VideoUNetImpl::isMotionParameter("frame_embed.weight"));
    QVERIFY(vds::VideoUNetImpl::isMotionParameter("motion.0.proj_out.bias"));
    QVERIFY(!vds::VideoUNetImpl::isMotionParameter("spatial.time_fc2.bias"));
  }

  void videoOptionsYaml() {
    auto o = tinyVideo();
    o.motion.layers = 2;
    const auto back = vds::VideoUNetOptions::fromYaml(YAML::Load(YAML::Dump(o.toYaml())));
    QCOMPARE(back.motion.layers, int64_t{2});
    QCOMPARE(back.spatial.baseChannels, int64_t{8});
    QCOMPARE(YAML::Dump(back.toYaml()), YAML::Dump(o.toYaml()));
    VDS_EXPECT_THROW_MSG(vds::VideoUNetOptions::fromYaml(YAML::Load("motion: {head: 2}")), vds::ConfigError,
                         "head");
    VDS_EXPECT_THROW_MSG(vds::VideoUNetOptions::fromYaml(YAML::Load("spatial: {}\ntemporal: {}")), vds::ConfigError,
                         "temporal");
  }

  void imageToVideoUNet() {
    vds::I2VUNetOptions o;
    o.video = tinyVideo();
    o.video.spatial.inChannels = 8;
    o.video.spatial.timeEmbedScale = 250.0;
    vds::I2VUNet i2v(o);
    torch::NoGradGuard noGrad;
    auto x = torch::randn({2, 3, 4, 8, 8});
    auto cNoise = torch::tensor({-1.0f, 0.7f});
    auto first = torch::randn({2, 4, 8, 8});
    auto out = i2v(x, cNoise, first);  // no text: cross-attention skipped
    QCOMPARE(out.sizes().vec(), (std::vector<int64_t>{2, 3, 4, 8, 8}));
    QCOMPARE(i2v(x, cNoise, first, torch::randn({2, 3, 8})).sizes().vec(), out.sizes().vec());
    // The first-frame latent conditions every frame.
    QVERIFY(maxAbsDiff(i2v(x, cNoise, first + 1).select(1, 2), out.select(1, 2)) > 1e-4);

    const auto yaml = o.toYaml();
    const auto back = vds::I2VUNetOptions::fromYaml(YAML::Load(YAML::Dump(yaml)));
    QCOMPARE(YAML::Dump(back.toYaml()), YAML::Dump(yaml));
    QCOMPARE(vds::I2VUNetOptions::fromYaml(YAML::Node()).video.spatial.inChannels, int64_t{8});
    VDS_EXPECT_THROW_MSG(vds::I2VUNetOptions::fromYaml(YAML::Load("spatial: {in_channels: 4}")), vds::ConfigError,
                         "in_channels");
    QVERIFY(!back.firstFrameMask);
  }

  // The motion modules start as the identity (zero output projections), so at
  // initialisation every frame is denoised alone: equal frames in give equal frames out,
  // unless the frame mask marks frame 0 as the conditioning frame.
  void imageToVideoFrameMask() {
    torch::manual_seed(3);
    vds::I2VUNetOptions o;
    o.video = tinyVideo();
    o.video.spatial.inChannels = 8;
    o.video.spatial.timeEmbedScale = 250.0;
    vds::I2VUNet plain(o);
    o.firstFrameMask = true;
    o.video.spatial.inChannels = 9;
    vds::I2VUNet masked(o);
    torch::NoGradGuard noGrad;
    const EqualFrames in;
    const auto &x = in.x, &cNoise = in.cNoise, &first = in.first;
    auto out = plain(x, cNoise, first);
    QCOMPARE(maxAbsDiff(out.select(1, 0), out.select(1, 1)), 0.0);
    out = masked(x, cNoise, first);
    QVERIFY(maxAbsDiff(out.select(1, 0), out.select(1, 1)) > 1e-4);
    QCOMPARE(maxAbsDiff(out.select(1, 1), out.select(1, 2)), 0.0);
    // An all-zero first frame is the unconditional branch: no frame is marked.
    out = masked(x, cNoise, torch::zeros_like(first));
    QCOMPARE(maxAbsDiff(out.select(1, 0), out.select(1, 1)), 0.0);
    // Per sample: a zero first frame for sample 1 leaves sample 0's frame 0 marked.
    auto mixed = first.clone();
    mixed[1].zero_();
    out = masked(x, cNoise, mixed);
    QVERIFY(maxAbsDiff(out[0].select(0, 0), out[0].select(0, 1)) > 1e-4);
    QCOMPARE(maxAbsDiff(out[1].select(0, 0), out[1].select(0, 1)), 0.0);

    const auto back = vds::I2VUNetOptions::fromYaml(YAML::Load(YAML::Dump(o.toYaml())));
    QVERIFY(back.firstFrameMask);
    QCOMPARE(back.inputChannels(), int64_t{9});
    VDS_EXPECT_THROW_MSG(vds::I2VUNetOptions::fromYaml(YAML::Load("first_frame_mask: true\nspatial: {in_channels: 8}")),
                         vds::ConfigError, "2 x latent_channels + 1");
  }

  // first_frame_channels: the condition also enters on frame 0 alone. Equal noisy frames in
  // give a frame 0 that differs from the others, which stay equal; a zero condition (the
  // unconditional branch) leaves every frame equal; and the options round-trip.
  void imageToVideoFirstFrameChannels() {
    torch::manual_seed(4);
    vds::I2VUNetOptions o;
    o.video = tinyVideo();
    o.video.spatial.timeEmbedScale = 250.0;
    o.firstFrameChannels = true;
    o.video.spatial.inChannels = 12;
    QCOMPARE(o.inputChannels(), int64_t{12});
    vds::I2VUNet own(o);
    torch::NoGradGuard noGrad;
    const EqualFrames in;
    const auto &x = in.x, &cNoise = in.cNoise, &first = in.first;
    auto out = own(x, cNoise, first);
    QVERIFY(maxAbsDiff(out.select(1, 0), out.select(1, 1)) > 1e-4);
    QCOMPARE(maxAbsDiff(out.select(1, 1), out.select(1, 2)), 0.0);
    out = own(x, cNoise, torch::zeros_like(first));
    QCOMPARE(maxAbsDiff(out.select(1, 0), out.select(1, 1)), 0.0);
    // The extra channels are exactly the condition on frame 0. Give a plain I2VUNet the same
    // weights, with the input convolution reading the condition from the extra channels
    // instead of the repeated copy: frame 0 is then the plain UNet's frame 0 under the
    // condition, and the other frames its output under a zero condition (a fresh video
    // UNet denoises each frame alone).
    o.firstFrameChannels = false;
    o.video.spatial.inChannels = 8;
    vds::I2VUNet plain(o);
    {
      auto source = plain->named_parameters(true);
      for (auto& p : own->named_parameters(true)) {
        const auto& q = *source.find(p.key());
        if (p.key() == "spatial.conv_in.weight") {
          p.value().zero_();
          p.value().narrow(1, 0, 4).copy_(q.narrow(1, 0, 4));
          p.value().narrow(1, 8, 4).copy_(q.narrow(1, 4, 4));
        } else {
          p.value().copy_(q);
        }
      }
    }
    const auto expected0 = plain(x, cNoise, first).select(1, 0);
    const auto expectedRest = plain(x, cNoise, torch::zeros_like(first)).narrow(1, 1, 2);
    out = own(x, cNoise, first);
    QVERIFY(maxAbsDiff(out.select(1, 0), expected0) < 1e-5);
    QVERIFY(maxAbsDiff(out.narrow(1, 1, 2), expectedRest) < 1e-5);
    o.firstFrameChannels = true;
    o.video.spatial.inChannels = 12;
    const auto back = vds::I2VUNetOptions::fromYaml(YAML::Load(YAML::Dump(o.toYaml())));
    QVERIFY(back.firstFrameChannels);
    QVERIFY(!back.firstFrameMask);
    QCOMPARE(back.inputChannels(), int64_t{12});
    o.firstFrameMask = true;
    QCOMPARE(o.inputChannels(), int64_t{13});
    QVERIFY(!vds::I2VUNetOptions::fromYaml(YAML::Load("latent_channels: 4")).firstFrameChannels);
    VDS_EXPECT_THROW_MSG(vds::I2VUNetOptions::fromYaml(YAML::Load("first_frame_channels: true\nspatial: {in_channels: 8}")),
                         vds::ConfigError, "3 x latent_channels");
  }

  // The frame-free branch as a video UNet: with every extra input channel (repeated copy,
  // frame-0 copy and mask) trained to non-zero weights, the cut network still equals the
  // I2VUNet under a zero first frame, and not under a real one. It keeps the c_noise
  // time scale and reads only the latent channels.
  void frameFreeVideoUNetIsTheZeroFrameBranch() {
    torch::manual_seed(9);
    vds::I2VUNetOptions o;
    o.video = tinyVideo();
    o.video.spatial.timeEmbedScale = 250.0;
    o.firstFrameChannels = true;
    o.firstFrameMask = true;
    o.video.spatial.inChannels = o.inputChannels();
    vds::I2VUNet i2v(o);
    {
      torch::NoGradGuard noGrad;
      for (auto& p : i2v->parameters()) p.add_(torch::randn_like(p) * 0.2);  // zero-initialised layers too
    }
    vds::VideoUNet video = vds::frameFreeVideoUNet(*i2v);
    QCOMPARE(video->options().spatial.inChannels, int64_t{4});
    QCOMPARE(video->options().spatial.timeEmbedScale, 250.0);
    torch::NoGradGuard noGrad;
    const torch::Tensor x = torch::randn({2, 3, 4, 8, 8});
    const torch::Tensor cNoise = torch::tensor({-1.0f, 0.7f});
    const torch::Tensor context = torch::randn({2, 5, 8});
    const torch::Tensor first = torch::randn({2, 4, 8, 8});
    const torch::Tensor out = video->forward(x, cNoise, context);
    QVERIFY(maxAbsDiff(out, i2v->forward(x, cNoise, torch::zeros_like(first), context)) < 1e-5);
    QVERIFY(maxAbsDiff(out, i2v->forward(x, cNoise, first, context)) > 1e-2);
    // The copy is independent of the source.
    for (auto& p : i2v->parameters()) p.add_(1.0);
    QVERIFY(maxAbsDiff(out, video->forward(x, cNoise, context)) < 1e-6);
  }
};

QTEST_GUILESS_MAIN(ModelsVideoTest)
#include "test_models_video.moc"
