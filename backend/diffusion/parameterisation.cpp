#include "diffusion/parameterisation.h"

#include <cmath>

#include "core/errors.h"

namespace vds::diffusion {

Parameterisation parseParameterisation(const std::string& name) {
  if (name == "eps") return Parameterisation::eps;
  if (name == "v") return Parameterisation::v;
  if (name == "x0") return Parameterisation::x0;
  if (name == "edm") return Parameterisation::edm;
  if (name == "edm_v") return Parameterisation::edm_v;
  throw ConfigError("unknown parameterisation '" + name + "' (valid: eps, v, x0, edm, edm_v)");
}

std::string toString(Parameterisation p) {
  switch (p) {
    case Parameterisation::eps: return "eps";
    case Parameterisation::v: return "v";
    case Parameterisation::x0: return "x0";
    case Parameterisation::edm: return "edm";
    case Parameterisation::edm_v: return "edm_v";
  }
  return "?";
}

bool isEdm(Parameterisation p) { return p == Parameterisation::edm || p == Parameterisation::edm_v; }

double defaultSigmaData(Parameterisation p) { return p == Parameterisation::edm ? 0.5 : 1.0; }

EdmPreconditioning EdmPreconditioning::at(double sigma, double sigmaData, bool negativeOut) {
  if (!(sigma > 0.0)) throw Error("EDM preconditioning needs sigma > 0, got " + std::to_string(sigma));
  const double sd2 = sigmaData * sigmaData;
  const double norm = std::sqrt(sigma * sigma + sd2);
  EdmPreconditioning c;
  c.cSkip = sd2 / (sigma * sigma + sd2);
  c.cOut = (negativeOut ? -1.0 : 1.0) * sigma * sigmaData / norm;
  c.cIn = 1.0 / norm;
  c.cNoise = 0.25 * std::log(sigma);
  return c;
}

EdmPreconditioning EdmPreconditioning::at(double sigma, double sigmaData, Parameterisation p) {
  return at(sigma, sigmaData, p == Parameterisation::edm_v);
}

}  // namespace vds::diffusion
