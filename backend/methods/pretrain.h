// Pre-training jobs of the built-in world (ARCHITECTURE §5), each a Method on the
// shared Trainer: `vdstudio-cli train {autoencoder,image,motion,style,i2v,evalnet}`.
#pragma once
#include <memory>

#include "train/method.h"

namespace vds {

std::unique_ptr<Method> makeAutoencoderPretraining();
std::unique_ptr<Method> makeImagePretraining();
std::unique_ptr<Method> makeMotionPretraining();
std::unique_ptr<Method> makeStylePretraining();
std::unique_ptr<Method> makeI2VPretraining();
std::unique_ptr<Method> makeEvalNetPretraining();

// [-1,1] float video [B,F,3,H,W] -> uint8 [B,F,H,W,3], clamped.
torch::Tensor toUint8Video(const torch::Tensor& video);

}  // namespace vds
