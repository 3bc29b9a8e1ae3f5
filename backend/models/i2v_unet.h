// The image-to-video teacher, the "SVD" of the built-in world: a video UNet whose input
// is the noisy latents concatenated along channels with the first frame's latent repeated
// over all frames (as in SVD), so in_channels = 2 x latent channels. It is EDM-
// preconditioned, so its time input is c_noise = ln(sigma)/4; the default time-embedding
// scale stretches that narrow range for the sinusoidal embedding.
//
// With first_frame_mask, one more input channel is 1 on the frame that the condition is
// (frame 0) and 0 elsewhere, as in the mask channels of later image-to-video models. The
// spatial layers see each frame alone, so without it only the motion modules (through
// their frame positions) can tell which frame must reproduce the condition. A first-frame
// latent that is all zeros is guidance's unconditional branch: its mask is 0 as well.
//
// With first_frame_channels, latent_channels more input channels hold the condition on
// frame 0 and zeros on the other frames (as image-to-video models that pad the image latent
// with empty frames do), beside the repeated copy. Reproducing the condition on frame 0 is
// then a function of that frame's own input, which the per-frame spatial layers can learn;
// with the repeated copy alone (or a mask, which it has to multiply with the copy) every
// frame sees the same condition.
//
// The text context is optional: with an undefined context the cross-attention layers are
// skipped (the same as ImageUNet), rather than fed a learned null context, so that an
// image-only teacher needs no text encoder at all. Train with caption dropout using the
// empty-prompt context if it is to be sampled both with and without text.
#pragma once
#include "models/video_unet.h"

namespace vds {

struct I2VUNetOptions {
  int64_t latentChannels = 4;
  bool firstFrameMask = false;
  bool firstFrameChannels = false;
  // spatial in/out channels must be inputChannels() and latentChannels
  VideoUNetOptions video = defaultVideo();

  int64_t inputChannels() const {
    return (firstFrameChannels ? 3 : 2) * latentChannels + (firstFrameMask ? 1 : 0);
  }

  static VideoUNetOptions defaultVideo();
  static I2VUNetOptions fromYaml(const YAML::Node& node);
  // The same keys as video_unet plus latent_channels, first_frame_mask and
  // first_frame_channels (absent in older packages: false).
  YAML::Node toYaml() const;
};

// Shares VideoUNet's parameter names (spatial.*, motion.*) and its spatial/motion split;
// forward() takes the first-frame latent as an extra input.
class I2VUNetImpl : public VideoUNetImpl {
 public:
  explicit I2VUNetImpl(const I2VUNetOptions& options = {});
  // x [B,F,4,h,w] noisy latents (preconditioned input c_in * x); cNoise [B] or [B*F];
  // firstFrameLatent [B,4,h,w]; context [B,L,D] or undefined. Returns [B,F,4,h,w].
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& cNoise, const torch::Tensor& firstFrameLatent,
                        const torch::Tensor& context = {});
  const I2VUNetOptions& i2vOptions() const { return i2vOptions_; }

 private:
  I2VUNetOptions i2vOptions_;
};
TORCH_MODULE(I2VUNet);

// The network's frame-free branch as a plain video UNet: the same weights, with the input
// convolution cut to the noisy-latent channels and the same time-embedding scale (so it
// still takes c_noise). With a zero first-frame latent every extra input channel is zero
// (the mask too), so out(x, c_noise, context) equals the I2VUNet's forward with
// firstFrameLatent = 0. It starts a text-to-video model from the image-to-video one.
VideoUNet frameFreeVideoUNet(const I2VUNetImpl& i2v);

}  // namespace vds
