#include "train/commands.h"

namespace vds {

std::string commandName(const Command& command) {
  struct Namer {
    std::string operator()(const PauseCommand&) const { return "pause"; }
    std::string operator()(const ResumeCommand&) const { return "resume"; }
    std::string operator()(const StopCommand&) const { return "stop"; }
    std::string operator()(const SampleNowCommand&) const { return "sample-now"; }
    std::string operator()(const SaveNowCommand&) const { return "save-now"; }
    std::string operator()(const SwapStyleCommand& c) const { return "swap-style " + c.packagePath; }
    std::string operator()(const SetLossWeightCommand& c) const { return "set-weight " + c.name; }
  };
  return std::visit(Namer{}, command);
}

void CommandQueue::push(Command command) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    queue_.push_back(std::move(command));
  }
  ready_.notify_all();
}

std::optional<Command> CommandQueue::tryPop() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (queue_.empty()) return std::nullopt;
  Command c = std::move(queue_.front());
  queue_.pop_front();
  return c;
}

Command CommandQueue::waitPop() {
  std::unique_lock<std::mutex> lock(mutex_);
  ready_.wait(lock, [this] { return !queue_.empty(); });
  Command c = std::move(queue_.front());
  queue_.pop_front();
  return c;
}

}  // namespace vds
