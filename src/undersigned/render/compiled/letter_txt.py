from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'letter.txt.j2'

def root(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_doc = resolve('doc')
    l_0_party_lines = l_0_cc_lines = l_0_block_lines = missing
    try:
        t_1 = environment.filters['inline']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'inline' found.")
    try:
        t_2 = environment.filters['wrap']
    except KeyError:
        @internalcode
        def t_2(*unused):
            raise TemplateRuntimeError("No filter named 'wrap' found.")
    pass
    def macro(l_1_party):
        t_3 = []
        if l_1_party is missing:
            l_1_party = undefined("parameter 'party' was not provided", name='party')
        pass
        t_3.extend((
            str(environment.getattr(l_1_party, 'name')),
            '\n',
        ))
        if environment.getattr(l_1_party, 'title'):
            pass
            t_3.extend((
                str(environment.getattr(l_1_party, 'title')),
                '\n',
            ))
        if environment.getattr(l_1_party, 'organization'):
            pass
            t_3.extend((
                str(environment.getattr(l_1_party, 'organization')),
                '\n',
            ))
        if environment.getattr(l_1_party, 'address'):
            pass
            t_3.extend((
                str(environment.call(context, environment.getattr(environment.getattr(l_1_party, 'address'), 'rstrip'))),
                '\n',
            ))
        return concat(t_3)
    context.exported_vars.add('party_lines')
    context.vars['party_lines'] = l_0_party_lines = Macro(environment, macro, 'party_lines', ('party',), False, False, False, context.eval_ctx.autoescape)
    def macro():
        t_4 = []
        pass
        t_4.extend((
            str(environment.getattr(environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'labels'), 'cc')),
            '\n',
        ))
        for l_2_party in environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'cc'):
            _loop_vars = {}
            pass
            t_4.extend((
                str(environment.call(context, (undefined(name='party_lines') if l_0_party_lines is missing else l_0_party_lines), l_2_party, _loop_vars=_loop_vars)),
                '\n\n',
            ))
        l_2_party = missing
        return concat(t_4)
    context.exported_vars.add('cc_lines')
    context.vars['cc_lines'] = l_0_cc_lines = Macro(environment, macro, 'cc_lines', (), False, False, False, context.eval_ctx.autoescape)
    def macro(l_1_blocks):
        t_5 = []
        if l_1_blocks is missing:
            l_1_blocks = undefined("parameter 'blocks' was not provided", name='blocks')
        pass
        l_2_loop = missing
        for l_2_block, l_2_loop in LoopContext(l_1_blocks, undefined):
            _loop_vars = {}
            pass
            if (environment.getattr(l_2_block, 'kind') == 'list'):
                pass
                l_3_loop = missing
                for l_3_item, l_3_loop in LoopContext(environment.getattr(l_2_block, 'items'), undefined):
                    _loop_vars = {}
                    pass
                    t_5.extend((
                        str(t_2(t_1(l_3_item), (('%d. ' % environment.getattr(l_3_loop, 'index')) if environment.getattr(l_2_block, 'ordered') else '- '), ('   ' if environment.getattr(l_2_block, 'ordered') else '  '))),
                        '\n',
                    ))
                l_3_loop = l_3_item = missing
            elif (environment.getattr(l_2_block, 'kind') == 'quote'):
                pass
                t_5.extend((
                    str(t_2(t_1(environment.getitem(environment.getattr(l_2_block, 'items'), 0)), '    ')),
                    '\n',
                ))
            else:
                pass
                t_5.extend((
                    str(t_2(t_1(environment.getitem(environment.getattr(l_2_block, 'items'), 0)))),
                    '\n',
                ))
            t_5.append(
                '\n',
            )
        l_2_loop = l_2_block = missing
        return concat(t_5)
    context.exported_vars.add('block_lines')
    context.vars['block_lines'] = l_0_block_lines = Macro(environment, macro, 'block_lines', ('blocks',), False, False, False, context.eval_ctx.autoescape)
    if environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'heading_lines'):
        pass
        for l_1_line in environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'heading_lines'):
            _loop_vars = {}
            pass
            yield str(t_2(l_1_line))
            yield '\n'
        l_1_line = missing
        yield '\n'
    if environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'date_line'):
        pass
        yield str(environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'date_line'))
        yield '\n\n'
    if environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'delivery'):
        pass
        yield str(environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'delivery'))
        yield '\n\n'
    for l_1_party in environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'addressees'):
        _loop_vars = {}
        pass
        yield str(environment.call(context, (undefined(name='party_lines') if l_0_party_lines is missing else l_0_party_lines), l_1_party, _loop_vars=_loop_vars))
        yield '\n\n'
    l_1_party = missing
    if (environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'cc') and (environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'cc_position') == 'top')):
        pass
        yield str(environment.call(context, (undefined(name='cc_lines') if l_0_cc_lines is missing else l_0_cc_lines)))
        yield '\n\n'
    if environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'subject'):
        pass
        yield str(t_2(environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'subject')))
        yield '\n\n'
    if environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'salutation'):
        pass
        yield str(environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'salutation'))
        yield '\n\n'
    yield str(environment.call(context, (undefined(name='block_lines') if l_0_block_lines is missing else l_0_block_lines), environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'blocks')))
    yield '\n'
    if environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'closing'):
        pass
        yield str(environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'closing'))
        yield '\n\n'
    if environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'sections'):
        pass
        if environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'signatures_heading'):
            pass
            yield str(t_2(environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'signatures_heading')))
            yield '\n'
        if environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'signatures_note'):
            pass
            yield str(t_2(environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'signatures_note')))
            yield '\n'
        yield '\n'
        for l_1_section in environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'sections'):
            _loop_vars = {}
            pass
            if environment.getattr(l_1_section, 'heading'):
                pass
                yield str(environment.getattr(l_1_section, 'heading'))
                yield '\n'
            if environment.getattr(l_1_section, 'note'):
                pass
                yield str(t_2(environment.getattr(l_1_section, 'note')))
                yield '\n'
            for (l_2_group, l_2_entries) in environment.getattr(l_1_section, 'groups'):
                l_2_table_lines = resolve('table_lines')
                _loop_vars = {}
                pass
                if l_2_group:
                    pass
                    yield '\n'
                    yield str(l_2_group)
                    yield '\n'
                if (environment.getattr(l_1_section, 'layout') == 'table'):
                    pass
                    for l_3_line in environment.call(context, (undefined(name='table_lines') if l_2_table_lines is missing else l_2_table_lines), l_2_entries, _loop_vars=_loop_vars):
                        _loop_vars = {}
                        pass
                        yield str(l_3_line)
                        yield '\n'
                    l_3_line = missing
                elif (environment.getattr(l_1_section, 'layout') == 'inline'):
                    pass
                    for l_3_entry in l_2_entries:
                        _loop_vars = {}
                        pass
                        yield str(t_2(environment.getattr(l_3_entry, 'line'), '', '  '))
                        yield '\n'
                    l_3_entry = missing
                else:
                    pass
                    for l_3_entry in l_2_entries:
                        _loop_vars = {}
                        pass
                        yield str(t_2(environment.getattr(l_3_entry, 'name')))
                        yield '\n'
                        if environment.getattr(l_3_entry, 'title'):
                            pass
                            yield str(t_2(environment.getattr(l_3_entry, 'title')))
                            yield '\n'
                    l_3_entry = missing
            l_2_group = l_2_entries = l_2_table_lines = missing
            yield '\n'
        l_1_section = missing
    if (environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'cc') and (environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'cc_position') != 'top')):
        pass
        yield str(environment.call(context, (undefined(name='cc_lines') if l_0_cc_lines is missing else l_0_cc_lines)))
        yield '\n\n'
    if environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'annex'):
        pass
        if environment.getattr(environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'annex'), 'heading'):
            pass
            yield str(t_2(environment.getattr(environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'annex'), 'heading')))
            yield '\n\n'
        yield str(environment.call(context, (undefined(name='block_lines') if l_0_block_lines is missing else l_0_block_lines), environment.getattr(environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'annex'), 'blocks')))
        yield '\n'
    for l_1_note in environment.getattr((undefined(name='doc') if l_0_doc is missing else l_0_doc), 'notes'):
        _loop_vars = {}
        pass
        yield str(t_2(t_1(environment.getattr(l_1_note, 'nodes')), ('[%d] ' % environment.getattr(l_1_note, 'number')), '    '))
        yield '\n'
    l_1_note = missing

blocks = {}
debug_info = '2=25&3=31&4=34&6=40&8=46&11=55&12=59&13=62&14=66&18=73&19=79&20=82&21=85&22=89&24=93&25=96&27=102&32=112&33=114&34=117&38=121&39=123&42=125&43=127&46=129&47=132&50=135&51=137&54=139&55=141&58=143&59=145&62=147&63=149&64=151&67=153&68=155&69=157&71=159&72=161&75=164&76=167&77=169&79=171&80=173&82=175&83=179&85=182&87=184&88=186&89=189&91=192&92=194&93=197&96=202&97=205&98=207&106=215&107=217&110=219&111=221&112=223&115=225&117=227&118=230'

# generated by scripts/precompile_templates.py
