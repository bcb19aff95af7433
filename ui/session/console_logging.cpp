#include "ui/session/console_logging.h"

namespace spillway {
Q_LOGGING_CATEGORY(lcConsole, "spillway.console", QtWarningMsg)
}  // namespace spillway
