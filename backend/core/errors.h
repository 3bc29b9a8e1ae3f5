// Typed errors. Every message names the file, key, tensor or setting at fault.
#pragma once
#include <stdexcept>
#include <string>

namespace vds {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A malformed or invalid configuration (YAML syntax, unknown key, bad value).
class ConfigError : public Error {
 public:
  using Error::Error;
};

// A file whose bytes do not follow its format (safetensors, model.yaml, PNG ...).
class FormatError : public Error {
 public:
  using Error::Error;
};

// A model package that does not match the architecture it declares.
class ModelPackageError : public Error {
 public:
  using Error::Error;
};

// Reading or writing a file failed at the operating-system level.
class IoError : public Error {
 public:
  using Error::Error;
};

// A request for data that does not exist or cannot be produced.
class DataError : public Error {
 public:
  using Error::Error;
};

// Long work was cancelled by its caller.
class CancelledError : public Error {
 public:
  CancelledError() : Error("cancelled") {}
};

}  // namespace vds
