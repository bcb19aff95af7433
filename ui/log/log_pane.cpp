#include "ui/log/log_pane.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QTableView>
#include <QVBoxLayout>

#include "ui/session/log_capture.h"
#include "ui/log/log_model.h"

namespace spillway {

LogPane::LogPane(QWidget* parent)
    : QWidget(parent),
      model_(new LogModel(5000, this)),
      filter_(new LogLevelFilter(this)),
      level_(new QComboBox(this)),
      text_(new QLineEdit(this)),
      view_(new QTableView(this)) {
    setObjectName(QStringLiteral("log_pane"));
    level_->setObjectName(QStringLiteral("combo_log_level"));
    view_->setObjectName(QStringLiteral("table_log"));
    level_->addItem(tr("All levels"), int(QtDebugMsg));
    level_->addItem(tr("Info and above"), int(QtInfoMsg));
    level_->addItem(tr("Warnings and errors"), int(QtWarningMsg));
    level_->addItem(tr("Errors only"), int(QtCriticalMsg));
    text_->setPlaceholderText(tr("Filter by text or category"));
    text_->setClearButtonEnabled(true);
    auto* clear = new QPushButton(tr("Clear"), this);

    filter_->setSourceModel(model_);
    view_->setModel(filter_);
    view_->verticalHeader()->hide();
    view_->verticalHeader()->setDefaultSectionSize(view_->fontMetrics().height() + 4);
    // Fixed starting widths: sizing to contents would measure every line on each append.
    const QFontMetrics metrics = view_->fontMetrics();
    QHeaderView* header = view_->horizontalHeader();
    header->setSectionResizeMode(QHeaderView::Interactive);
    header->resizeSection(LogModel::Time,
                          metrics.horizontalAdvance(QStringLiteral("88:88:88.888")) + 16);
    header->resizeSection(LogModel::Level,
                          metrics.horizontalAdvance(QStringLiteral("warning")) + 16);
    header->resizeSection(LogModel::Category,
                          metrics.horizontalAdvance(QStringLiteral("spillway.postgres")) + 16);
    header->setStretchLastSection(true);
    view_->setWordWrap(false);
    view_->setShowGrid(false);
    view_->setSelectionBehavior(QAbstractItemView::SelectRows);
    view_->setAlternatingRowColors(true);

    auto* controls = new QHBoxLayout;
    controls->addWidget(new QLabel(tr("Show"), this));
    controls->addWidget(level_);
    controls->addWidget(text_, 1);
    controls->addWidget(clear);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 4, 6, 6);
    layout->setSpacing(4);
    layout->addLayout(controls);
    layout->addWidget(view_, 1);

    connect(level_, &QComboBox::currentIndexChanged, this, [this](int index) {
        filter_->setMinimumLevel(QtMsgType(level_->itemData(index).toInt()));
    });
    connect(text_, &QLineEdit::textChanged, filter_, &LogLevelFilter::setText);
    connect(clear, &QPushButton::clicked, model_, &LogModel::clear);
    if (LogCapture* capture = LogCapture::instance()) {
        connect(capture, &LogCapture::captured, this, [this](const std::vector<LogEntry>& entries) {
            QScrollBar* bar = view_->verticalScrollBar();
            const bool at_bottom = bar->value() >= bar->maximum() - 2;
            model_->append(entries);
            if (at_bottom)
                view_->scrollToBottom();
        });
    }
    setMinimumLevel(QtInfoMsg);
}

void LogPane::setMinimumLevel(QtMsgType level) {
    level_->setCurrentIndex(level_->findData(int(level)));
    filter_->setMinimumLevel(level);
}

}  // namespace spillway
