""" "Waar staat dat?": where the last answer comes from, in plain words.

A rule's source (rules.yml) names the law, the public website and page, and the day it was
checked. An answer without rules (a checklist, a mistake) names the websites of the
agencies it sent the person to.
"""

from __future__ import annotations

from bot.domain.knowledge.answers import Answer, Message, Part, part, with_offer
from bot.domain.knowledge.model import Knowledge, Source

GEMEENTE_SITE = "gemeente"


def _site_part(site: str) -> Part:
    if site == GEMEENTE_SITE:
        return part("source.site.gemeente")
    return part("source.site", site=site)


def source_answer(knowledge: Knowledge, rules: list[str], agencies: list[str]) -> Answer:
    """The sources of these rules, each law and page once; else the agencies' websites."""
    sources: list[Source] = [knowledge.rules[r].source for r in rules if r in knowledge.rules]
    laws = list(dict.fromkeys(source.law for source in sources if source.law))
    sites = [source.site for source in sources if source.site]
    sites += [knowledge.agencies[a].site for a in agencies if a in knowledge.agencies]
    pages = list(dict.fromkeys(source.url for source in sources if source.url))
    if not laws and not sites and not pages:
        return with_offer("source", [[part("source.none")]])
    message: Message = [part("source.law", law=law) for law in laws]
    message += [_site_part(site) for site in dict.fromkeys(sites) if site]
    message += [part("source.page", url=url) for url in pages[:2]]
    checked = [source.checked for source in sources]
    if checked:
        message.append(part("source.checked", day=min(checked).isoformat()))
    message.append(part("source.decides"))
    answer = with_offer("source", [message])
    answer.rules = [r for r in rules if r in knowledge.rules]
    return answer
