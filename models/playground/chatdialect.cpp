#include "playground/chatdialect.h"

namespace isc {

QString dialectName(ChatDialect dialect)
{
    switch (dialect) {
    case ChatDialect::OpenAi:
        return QStringLiteral("openai");
    case ChatDialect::Azure:
        return QStringLiteral("azure");
    case ChatDialect::Anthropic:
        return QStringLiteral("anthropic");
    }
    return {};
}

bool parseDialect(const QString& name, ChatDialect* out)
{
    for (ChatDialect d : {ChatDialect::OpenAi, ChatDialect::Azure, ChatDialect::Anthropic}) {
        if (name == dialectName(d)) {
            *out = d;
            return true;
        }
    }
    return false;
}

} // namespace isc
