"""Rules as data: agencies, benefits, situations, rules and figures, with their sources.

Knowledge never imports channels; answers are lists of catalog keys with arguments, so
the words stay in locales/ and the NLG renders them in the conversation's language.
"""
