#include "core/tiering/tiering_logging.h"

Q_LOGGING_CATEGORY(lcTiering, "spillway.tiering", QtWarningMsg)
