from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'letter.html.j2'

def root(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_doc = resolve('doc')
    l_0_stylesheet = resolve('stylesheet')
    l_0_labels = l_0_party_block = l_0_cc_block = l_0_blocks = missing
    try:
        t_1 = environment.filters['batch']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'batch' found.")
    try:
        t_2 = environment.filters['inline']
    except KeyError:
        @internalcode
        def t_2(*unused):
            raise TemplateRuntimeError("No filter named 'inline' found.")
    try:
        t_3 = environment.filters['join']
    except KeyError:
        @internalcode
        def t_3(*unused):
            raise TemplateRuntimeError("No filter named 'join' found.")
    try:
        t_4 = environment.filters['note_text']
    except KeyError:
        @internalcode
        def t_4(*unused):
            raise TemplateRuntimeError("No filter named 'note_text' found.")
    pass
    l_0_labels = environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'labels')
    context.vars['labels'] = l_0_labels
    context.exported_vars.add('labels')
    def macro(l_1_party, l_1_class):
        t_5 = []
        if l_1_party is missing:
            l_1_party = undefined("parameter 'party' was not provided", name='party')
        if l_1_class is missing:
            l_1_class = undefined("parameter 'class' was not provided", name='class')
        pass
        t_5.extend((
            '<address class="',
            escape(l_1_class),
            '">\n<span class="party-name">',
            escape(environment.getattr(l_1_party, 'name')),
            '</span>\n',
        ))
        if environment.getattr(l_1_party, 'title'):
            pass
            t_5.extend((
                '<br><span class="party-title">',
                escape(environment.getattr(l_1_party, 'title')),
                '</span>',
            ))
        if environment.getattr(l_1_party, 'organization'):
            pass
            t_5.extend((
                '<br><span class="party-organization">',
                escape(environment.getattr(l_1_party, 'organization')),
                '</span>',
            ))
        if environment.getattr(l_1_party, 'address'):
            pass
            for l_2_line in environment.call(context, environment.getattr(environment.call(context, environment.getattr(environment.getattr(l_1_party, 'address'), 'rstrip')), 'split'), '\n'):
                _loop_vars = {}
                pass
                t_5.extend((
                    '<br>',
                    escape(l_2_line),
                ))
            l_2_line = missing
            t_5.append(
                '\n',
            )
        t_5.append(
            '</address>',
        )
        return concat(t_5)
    context.exported_vars.add('party_block')
    context.vars['party_block'] = l_0_party_block = Macro(environment, macro, 'party_block', ('party', 'class'), False, False, False, context.eval_ctx.autoescape)
    def macro():
        t_6 = []
        pass
        t_6.extend((
            '<section class="cc cc-',
            escape(environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'cc_position')),
            '" aria-label="',
            escape(environment.getattr((undefined(name='labels') if l_0_labels is missing else l_0_labels), 'copies')),
            '">\n<p class="cc-label">',
            escape(environment.getattr((undefined(name='labels') if l_0_labels is missing else l_0_labels), 'cc')),
            '</p>\n<div class="cc-parties">\n',
        ))
        for l_2_party in environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'cc'):
            _loop_vars = {}
            pass
            t_6.extend((
                escape(environment.call(context, (undefined(name='party_block') if l_0_party_block is missing else l_0_party_block), l_2_party, 'cc-party', _loop_vars=_loop_vars)),
                '\n',
            ))
        l_2_party = missing
        t_6.append(
            '</div>\n</section>',
        )
        return concat(t_6)
    context.exported_vars.add('cc_block')
    context.vars['cc_block'] = l_0_cc_block = Macro(environment, macro, 'cc_block', (), False, False, False, context.eval_ctx.autoescape)
    def macro(l_1_items):
        t_7 = []
        if l_1_items is missing:
            l_1_items = undefined("parameter 'items' was not provided", name='items')
        pass
        for l_2_block in l_1_items:
            _loop_vars = {}
            pass
            if (environment.getattr(l_2_block, 'kind') == 'heading'):
                pass
                t_7.extend((
                    '<h2>',
                    escape(t_2(environment.getitem(environment.getattr(l_2_block, 'items'), 0))),
                    '</h2>\n',
                ))
            elif (environment.getattr(l_2_block, 'kind') == 'quote'):
                pass
                t_7.extend((
                    '<blockquote><p>',
                    escape(t_2(environment.getitem(environment.getattr(l_2_block, 'items'), 0))),
                    '</p></blockquote>\n',
                ))
            elif (environment.getattr(l_2_block, 'kind') == 'list'):
                pass
                t_7.extend((
                    '<',
                    escape(('ol' if environment.getattr(l_2_block, 'ordered') else 'ul')),
                    '>\n',
                ))
                for l_3_item in environment.getattr(l_2_block, 'items'):
                    _loop_vars = {}
                    pass
                    t_7.extend((
                        '<li>',
                        escape(t_2(l_3_item)),
                        '</li>\n',
                    ))
                l_3_item = missing
                t_7.extend((
                    '</',
                    escape(('ol' if environment.getattr(l_2_block, 'ordered') else 'ul')),
                    '>\n',
                ))
            else:
                pass
                t_7.extend((
                    '<p>',
                    escape(t_2(environment.getitem(environment.getattr(l_2_block, 'items'), 0))),
                    '</p>\n',
                ))
        l_2_block = missing
        return concat(t_7)
    context.exported_vars.add('blocks')
    context.vars['blocks'] = l_0_blocks = Macro(environment, macro, 'blocks', ('items',), False, False, False, context.eval_ctx.autoescape)
    yield '<!DOCTYPE html>\n<html lang="'
    yield escape(environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'lang'))
    yield '"'
    if (environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'dir') == 'rtl'):
        pass
        yield ' dir="rtl"'
    yield '>\n<head>\n<meta charset="utf-8">\n<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>'
    yield escape(environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'title'))
    yield '</title>\n<style>\n'
    yield escape(environment.call(context, (undefined(name='stylesheet') if l_0_stylesheet is missing else l_0_stylesheet), 'letter.css'))
    yield '\n'
    yield escape(environment.call(context, (undefined(name='stylesheet') if l_0_stylesheet is missing else l_0_stylesheet), 'custom.css', optional=True))
    yield '\n</style>\n</head>\n<body>\n<main>\n<article class="letter kind-'
    yield escape(environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'kind'))
    yield '" '
    if (environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'heading_lines') or environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'subject')):
        pass
        yield 'aria-labelledby="letter-heading"'
    else:
        pass
        yield 'aria-label="'
        yield escape(environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'title'))
        yield '"'
    yield '>\n<header class="letter-head">\n'
    if environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'heading_lines'):
        pass
        yield '<h1 id="letter-heading" class="doc-heading">'
        l_1_loop = missing
        for l_1_line, l_1_loop in LoopContext(environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'heading_lines'), undefined):
            _loop_vars = {}
            pass
            yield escape(l_1_line)
            if (not environment.getattr(l_1_loop, 'last')):
                pass
                yield '<br>'
        l_1_loop = l_1_line = missing
        yield '</h1>\n'
    if environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'date_line'):
        pass
        yield '<p class="dateline">'
        yield escape(environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'date_line'))
        yield '</p>\n'
    if environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'delivery'):
        pass
        yield '<p class="delivery">'
        yield escape(environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'delivery'))
        yield '</p>\n'
    if environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'addressees'):
        pass
        yield '<div class="addressees addressees-'
        yield escape(environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'addressee_layout'))
        yield '">\n'
        for l_1_party in environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'addressees'):
            _loop_vars = {}
            pass
            yield escape(environment.call(context, (undefined(name='party_block') if l_0_party_block is missing else l_0_party_block), l_1_party, 'addressee', _loop_vars=_loop_vars))
            yield '\n'
        l_1_party = missing
        yield '</div>\n'
    if (environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'cc') and (environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'cc_position') == 'top')):
        pass
        yield escape(environment.call(context, (undefined(name='cc_block') if l_0_cc_block is missing else l_0_cc_block)))
        yield '\n'
    if (environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'subject') and environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'heading_lines')):
        pass
        yield '<p class="subject">'
        yield escape(environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'subject'))
        yield '</p>\n'
    elif environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'subject'):
        pass
        yield '<h1 id="letter-heading">'
        yield escape(environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'subject'))
        yield '</h1>\n'
    yield '</header>\n'
    if environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'salutation'):
        pass
        yield '<p class="salutation">'
        yield escape(environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'salutation'))
        yield '</p>\n'
    yield '<div class="letter-body">\n'
    yield escape(environment.call(context, (undefined(name='blocks') if l_0_blocks is missing else l_0_blocks), environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'blocks')))
    yield '</div>\n'
    if environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'closing'):
        pass
        yield '<p class="closing">'
        yield escape(environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'closing'))
        yield '</p>\n'
    if environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'sections'):
        pass
        yield '<section class="signatures" '
        if environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'signatures_heading'):
            pass
            yield 'aria-labelledby="signatures-heading"'
        else:
            pass
            yield 'aria-label="'
            yield escape(environment.getattr((undefined(name='labels') if l_0_labels is missing else l_0_labels), 'signatories'))
            yield '"'
        yield '>\n'
        if environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'signatures_heading'):
            pass
            yield '<h2 id="signatures-heading">'
            yield escape(environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'signatures_heading'))
            yield '</h2>\n'
        if environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'signatures_note'):
            pass
            yield '<p class="signatures-note">'
            yield escape(environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'signatures_note'))
            yield '</p>\n'
        l_1_loop = missing
        for l_1_section, l_1_loop in LoopContext(environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'sections'), undefined):
            l_1_classes = missing
            _loop_vars = {}
            pass
            l_1_classes = (((['roster'] + ([] if (environment.getattr(l_1_section, 'layout') == 'stacked') else [markup_join(('layout-', environment.getattr(l_1_section, 'layout'), ))])) + (['roster-columns'] if ((environment.getattr(l_1_section, 'cols') > 1) and (environment.getattr(l_1_section, 'layout') != 'table')) else [])) + ([('cols-%d' % environment.getattr(l_1_section, 'cols'))] if (environment.getattr(l_1_section, 'cols') > 2) else []))
            _loop_vars['classes'] = l_1_classes
            yield '<section class="'
            yield escape(t_3(context.eval_ctx, (undefined(name='classes') if l_1_classes is missing else l_1_classes), ' '))
            yield '" '
            if environment.getattr(l_1_section, 'heading'):
                pass
                yield 'aria-labelledby="roster-'
                yield escape(environment.getattr(l_1_loop, 'index'))
                yield '"'
            else:
                pass
                yield 'aria-label="'
                yield escape(environment.getattr((undefined(name='labels') if l_0_labels is missing else l_0_labels), 'signatories'))
                yield '"'
            yield '>\n'
            if environment.getattr(l_1_section, 'heading'):
                pass
                yield '<h3 id="roster-'
                yield escape(environment.getattr(l_1_loop, 'index'))
                yield '">'
                yield escape(environment.getattr(l_1_section, 'heading'))
                yield '</h3>\n'
            if environment.getattr(l_1_section, 'note'):
                pass
                yield '<p class="roster-note">'
                yield escape(environment.getattr(l_1_section, 'note'))
                yield '</p>\n'
            for (l_2_group, l_2_entries) in environment.getattr(l_1_section, 'groups'):
                _loop_vars = {}
                pass
                if l_2_group:
                    pass
                    yield '<h4 class="roster-group">'
                    yield escape(l_2_group)
                    yield '</h4>\n'
                if ((environment.getattr(l_1_section, 'layout') == 'table') and (environment.getattr(l_1_section, 'cols') > 1)):
                    pass
                    yield '<table class="signatories-grid cols-'
                    yield escape(environment.getattr(l_1_section, 'cols'))
                    yield '" role="presentation">\n'
                    for l_3_row in t_1(l_2_entries, environment.getattr(l_1_section, 'cols'), ''):
                        _loop_vars = {}
                        pass
                        yield '<tr>'
                        for l_4_entry in l_3_row:
                            _loop_vars = {}
                            pass
                            yield '<td>'
                            if l_4_entry:
                                pass
                                if environment.getattr(l_4_entry, 'parts'):
                                    pass
                                    for (l_5_kind, l_5_text) in environment.getattr(l_4_entry, 'parts'):
                                        _loop_vars = {}
                                        pass
                                        yield '<span class="'
                                        yield escape(('role' if (l_5_kind == 'title') else l_5_kind))
                                        yield '">'
                                        yield escape(l_5_text)
                                        yield '</span>'
                                    l_5_kind = l_5_text = missing
                                else:
                                    pass
                                    yield '<span class="name">'
                                    yield escape(environment.getattr(l_4_entry, 'name'))
                                    yield '</span>'
                                    if environment.getattr(l_4_entry, 'title'):
                                        pass
                                        yield '<span class="role">'
                                        yield escape(environment.getattr(l_4_entry, 'title'))
                                        yield '</span>'
                            yield '</td>'
                        l_4_entry = missing
                        yield '</tr>\n'
                    l_3_row = missing
                    yield '</table>\n'
                elif (environment.getattr(l_1_section, 'layout') == 'table'):
                    pass
                    yield '<table class="signatories-table">\n'
                    for l_3_entry in l_2_entries:
                        _loop_vars = {}
                        pass
                        yield '<tr><th scope="row" class="name">'
                        yield escape(environment.getattr(l_3_entry, 'name'))
                        yield '</th>'
                        if environment.getattr(l_1_section, 'titled'):
                            pass
                            yield '<td class="role">'
                            yield escape((environment.getattr(l_3_entry, 'title') or ''))
                            yield '</td>'
                        yield '</tr>\n'
                    l_3_entry = missing
                    yield '</table>\n'
                else:
                    pass
                    yield '<ul class="signatories">\n'
                    for l_3_entry in l_2_entries:
                        _loop_vars = {}
                        pass
                        yield '<li class="signatory">'
                        if environment.getattr(l_3_entry, 'parts'):
                            pass
                            for (l_4_kind, l_4_text) in environment.getattr(l_3_entry, 'parts'):
                                _loop_vars = {}
                                pass
                                yield '<span class="'
                                yield escape(('role' if (l_4_kind == 'title') else l_4_kind))
                                yield '">'
                                yield escape(l_4_text)
                                yield '</span>'
                            l_4_kind = l_4_text = missing
                        else:
                            pass
                            yield '<span class="name">'
                            yield escape(environment.getattr(l_3_entry, 'name'))
                            yield '</span>'
                            if environment.getattr(l_3_entry, 'title'):
                                pass
                                yield '<span class="role">'
                                yield escape(environment.getattr(l_3_entry, 'title'))
                                yield '</span>'
                        yield '</li>\n'
                    l_3_entry = missing
                    yield '</ul>\n'
            l_2_group = l_2_entries = missing
            yield '</section>\n'
        l_1_loop = l_1_section = l_1_classes = missing
        yield '</section>\n'
    if (environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'cc') and (environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'cc_position') != 'top')):
        pass
        yield escape(environment.call(context, (undefined(name='cc_block') if l_0_cc_block is missing else l_0_cc_block)))
        yield '\n'
    if environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'annex'):
        pass
        yield '<section class="annex" '
        if environment.getattr(environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'annex'), 'heading'):
            pass
            yield 'aria-labelledby="annex-heading"'
        else:
            pass
            yield 'aria-label="'
            yield escape(environment.getattr((undefined(name='labels') if l_0_labels is missing else l_0_labels), 'annex'))
            yield '"'
        yield '>\n'
        if environment.getattr(environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'annex'), 'heading'):
            pass
            yield '<h2 id="annex-heading">'
            yield escape(environment.getattr(environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'annex'), 'heading'))
            yield '</h2>\n'
        yield escape(environment.call(context, (undefined(name='blocks') if l_0_blocks is missing else l_0_blocks), environment.getattr(environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'annex'), 'blocks')))
        yield '</section>\n'
    if environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'notes'):
        pass
        yield '<section class="endnotes" role="doc-endnotes" aria-labelledby="notes-heading">\n<h2 id="notes-heading">'
        yield escape(environment.getattr((undefined(name='labels') if l_0_labels is missing else l_0_labels), 'notes'))
        yield '</h2>\n<ol>\n'
        for l_1_note in environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'notes'):
            l_1_has_call = resolve('has_call')
            _loop_vars = {}
            pass
            yield '<li id="fn-'
            yield escape(environment.getattr(l_1_note, 'number'))
            yield '" value="'
            yield escape(environment.getattr(l_1_note, 'number'))
            yield '">'
            yield escape(t_4(environment.getattr(l_1_note, 'nodes')))
            if environment.call(context, (undefined(name='has_call') if l_1_has_call is missing else l_1_has_call), environment.getattr(l_1_note, 'number'), _loop_vars=_loop_vars):
                pass
                yield ' <a href="#fnref-'
                yield escape(environment.getattr(l_1_note, 'number'))
                yield '" class="backlink" role="doc-backlink" aria-label="'
                yield escape(environment.getattr((undefined(name='labels') if l_0_labels is missing else l_0_labels), 'back'))
                yield ' ('
                yield escape(environment.getattr(l_1_note, 'number'))
                yield ')">↩&#xFE0E;</a>'
            yield '</li>\n'
        l_1_note = l_1_has_call = missing
        yield '</ol>\n</section>\n'
    yield '</article>\n</main>\n</body>\n</html>\n'

blocks = {}
debug_info = '8=38&9=41&10=50&11=52&12=55&13=62&14=69&15=71&20=88&21=93&22=97&24=100&25=104&30=114&31=119&32=122&33=126&34=129&35=133&36=136&37=140&38=143&39=148&41=154&43=161&48=169&52=175&54=177&55=179&60=181&62=192&63=196&65=205&66=208&68=210&69=213&71=215&72=218&73=220&74=223&78=227&79=229&81=231&82=234&83=236&84=239&87=242&88=245&91=248&92=250&93=253&95=255&96=258&97=267&98=270&100=272&101=275&103=278&105=282&106=285&107=298&108=301&110=305&111=308&113=310&114=313&115=316&117=318&118=321&119=323&120=327&123=359&125=362&126=366&131=379&133=383&142=411&143=413&145=415&146=418&147=427&148=430&150=432&152=434&154=437&156=439&157=444'

# generated by scripts/precompile_templates.py
