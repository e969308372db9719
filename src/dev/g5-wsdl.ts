// The WSDL of the demo Senior G5 receiver: the shape of the real `com_senior_g5_co_ger_cad_clientes`
// service (SOAP 1.1, rpc/literal, unqualified elements), trimmed to the fields the demo uses.

export const G5_NAMESPACE = 'http://services.senior.com.br';
export const G5_SERVICE = 'g5-senior-services';
export const G5_PORT_TYPE = 'sapiens_Synccom_senior_g5_co_ger_cad_clientes';
export const G5_PORT = `${G5_PORT_TYPE}Port`;
export const G5_WSDL_PATH = `/${G5_SERVICE}/${G5_PORT_TYPE}` as const;

const customerFields = [
  ['nomCli', 'string'],
  ['apeCli', 'string'],
  ['tipCli', 'string'], // J (company) or F (person)
  ['tipMer', 'string'],
  ['cliCon', 'string'],
  ['sitCli', 'string'],
  ['tipAce', 'string'],
  ['cgcCpf', 'string'], // the real service types it xsd:double; a string keeps leading zeros visible
  ['endCli', 'string'],
  ['nenCli', 'string'],
  ['baiCli', 'string'],
  ['cidCli', 'string'],
  ['sigUfs', 'string'],
  ['cepCli', 'string'],
  ['fonCli', 'string'],
  ['intNet', 'string'],
  ['ideExt', 'int'],
] as const;

const definitionFields = [
  ['codEmp', 'int'],
  ['codFil', 'int'],
  ['codRep', 'int'],
  ['codCpg', 'string'],
  ['codTab', 'string'],
  ['codTra', 'int'],
  ['codVen', 'int'],
] as const;

const returnFields = [
  ['codCli', 'int'],
  ['cgcCpf', 'string'],
  ['ideExt', 'int'],
  ['retorno', 'string'],
] as const;

function elements(fields: ReadonlyArray<readonly [string, string]>): string {
  return fields.map(([name, type]) => `<xsd:element name="${name}" type="xsd:${type}" minOccurs="0" nillable="true"/>`).join('\n          ');
}

/** The WSDL text; `location` is the service address written into `soap:address`. */
export function g5Wsdl(location: string): string {
  return rpcServiceWsdl({
    portType: G5_PORT_TYPE,
    operation: 'GravarClientes',
    inType: 'clientesGravarClientesIn',
    outType: 'clientesGravarClientesOut',
    location,
    types: [
      complexType('clientesGravarClientesInDadosGeraisClienteDefinicoesCliente', definitionFields),
      complexType('clientesGravarClientesInDadosGeraisCliente', customerFields, [
        ['definicoesCliente', 'clientesGravarClientesInDadosGeraisClienteDefinicoesCliente'],
      ]),
      complexType('clientesGravarClientesIn', [['sigInt', 'string']], [['dadosGeraisCliente', 'clientesGravarClientesInDadosGeraisCliente']]),
      complexType('clientesGravarClientesOutRetornosClientes', returnFields),
      complexType('clientesGravarClientesOut', answerFields, [['retornosClientes', 'clientesGravarClientesOutRetornosClientes']]),
    ],
  });
}

// ---- Contacts and orders: two more Senior-style services on the same receiver, each with its own WSDL ----

export const G5_CONTATOS_PORT_TYPE = 'sapiens_Synccom_senior_g5_co_ger_cad_contatos';
export const G5_CONTATOS_PORT = `${G5_CONTATOS_PORT_TYPE}Port`;
export const G5_CONTATOS_WSDL_PATH = `/${G5_SERVICE}/${G5_CONTATOS_PORT_TYPE}` as const;
export const G5_PEDIDOS_PORT_TYPE = 'sapiens_Synccom_senior_g5_co_mcm_ven_pedidos';
export const G5_PEDIDOS_PORT = `${G5_PEDIDOS_PORT_TYPE}Port`;
export const G5_PEDIDOS_WSDL_PATH = `/${G5_SERVICE}/${G5_PEDIDOS_PORT_TYPE}` as const;

type Fields = ReadonlyArray<readonly [string, string]>;

/** An xsd:complexType: scalar elements, then arrays of other complex types. */
function complexType(name: string, fields: Fields, arrays: ReadonlyArray<readonly [string, string]> = []): string {
  const many = arrays
    .map(([element, type]) => `<xsd:element name="${element}" type="tns:${type}" minOccurs="0" maxOccurs="unbounded" nillable="true"/>`)
    .join('\n          ');
  return `<xsd:complexType name="${name}">
        <xsd:sequence>
          ${[elements(fields), many].filter(Boolean).join('\n          ')}
        </xsd:sequence>
      </xsd:complexType>`;
}

/** An rpc/literal service in G5's shape: user, password, encryption, parameters in; result out. */
function rpcServiceWsdl(opts: { portType: string; operation: string; inType: string; outType: string; types: string[]; location: string }): string {
  const port = `${opts.portType}Port`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<wsdl:definitions name="${G5_SERVICE}" targetNamespace="${G5_NAMESPACE}"
    xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/"
    xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/"
    xmlns:xsd="http://www.w3.org/2001/XMLSchema"
    xmlns:tns="${G5_NAMESPACE}">
  <wsdl:types>
    <xsd:schema targetNamespace="${G5_NAMESPACE}" elementFormDefault="unqualified">
      ${opts.types.join('\n      ')}
    </xsd:schema>
  </wsdl:types>
  <wsdl:message name="${opts.operation}">
    <wsdl:part name="user" type="xsd:string"/>
    <wsdl:part name="password" type="xsd:string"/>
    <wsdl:part name="encryption" type="xsd:int"/>
    <wsdl:part name="parameters" type="tns:${opts.inType}"/>
  </wsdl:message>
  <wsdl:message name="${opts.operation}Response">
    <wsdl:part name="result" type="tns:${opts.outType}"/>
  </wsdl:message>
  <wsdl:portType name="${opts.portType}">
    <wsdl:operation name="${opts.operation}">
      <wsdl:input message="tns:${opts.operation}"/>
      <wsdl:output message="tns:${opts.operation}Response"/>
    </wsdl:operation>
  </wsdl:portType>
  <wsdl:binding name="${port}Binding" type="tns:${opts.portType}">
    <soap:binding style="rpc" transport="http://schemas.xmlsoap.org/soap/http"/>
    <wsdl:operation name="${opts.operation}">
      <soap:operation soapAction=""/>
      <wsdl:input><soap:body use="literal" namespace="${G5_NAMESPACE}"/></wsdl:input>
      <wsdl:output><soap:body use="literal" namespace="${G5_NAMESPACE}"/></wsdl:output>
    </wsdl:operation>
  </wsdl:binding>
  <wsdl:service name="${G5_SERVICE}">
    <wsdl:port name="${port}" binding="tns:${port}Binding">
      <soap:address location="${opts.location}"/>
    </wsdl:port>
  </wsdl:service>
</wsdl:definitions>
`;
}

const answerFields: Fields = [
  ['erroExecucao', 'string'],
  ['mensagemRetorno', 'string'],
  ['tipoRetorno', 'int'],
];

/** `GravarContatos`: contacts of a customer already in the ERP (codCli); answers seqCto per contact. */
export function g5ContatosWsdl(location: string): string {
  const contact: Fields = [
    ['codCli', 'int'],
    ['nomCto', 'string'],
    ['carCto', 'string'], // cargo, a G5 code such as COM, FIN, DIR
    ['cpfCto', 'string'],
    ['fonCto', 'string'],
    ['intNet', 'string'],
    ['datNas', 'string'], // dd/MM/yyyy
    ['sitCto', 'string'],
    ['ideExt', 'int'],
  ];
  const returned: Fields = [
    ['codCli', 'int'],
    ['seqCto', 'int'],
    ['ideExt', 'int'],
    ['retorno', 'string'],
  ];
  return rpcServiceWsdl({
    portType: G5_CONTATOS_PORT_TYPE,
    operation: 'GravarContatos',
    inType: 'contatosGravarContatosIn',
    outType: 'contatosGravarContatosOut',
    location,
    types: [
      complexType('contatosGravarContatosInContato', contact),
      complexType('contatosGravarContatosIn', [['sigInt', 'string']], [['contato', 'contatosGravarContatosInContato']]),
      complexType('contatosGravarContatosOutRetornosContatos', returned),
      complexType('contatosGravarContatosOut', answerFields, [['retornosContatos', 'contatosGravarContatosOutRetornosContatos']]),
    ],
  });
}

/** `GravarPedidos`: sales orders with their items; decimals travel as text with a comma (`350,20`). */
export function g5PedidosWsdl(location: string): string {
  const order: Fields = [
    ['codEmp', 'int'],
    ['codFil', 'int'],
    ['codCli', 'int'],
    ['seqCto', 'int'],
    ['pedCli', 'string'], // the customer's own order number
    ['datEmi', 'string'], // dd/MM/yyyy
    ['datPrv', 'string'], // dd/MM/yyyy
    ['codCpg', 'string'],
    ['obsPed', 'string'],
    ['vlrTot', 'string'],
    ['ideExt', 'int'],
  ];
  const item: Fields = [
    ['codPro', 'string'],
    ['qtdPed', 'string'],
    ['preUni', 'string'],
    ['perDsc', 'string'],
  ];
  const returned: Fields = [
    ['numPed', 'int'],
    ['ideExt', 'int'],
    ['retorno', 'string'],
  ];
  return rpcServiceWsdl({
    portType: G5_PEDIDOS_PORT_TYPE,
    operation: 'GravarPedidos',
    inType: 'pedidosGravarPedidosIn',
    outType: 'pedidosGravarPedidosOut',
    location,
    types: [
      complexType('pedidosGravarPedidosInPedidoProduto', item),
      complexType('pedidosGravarPedidosInPedido', order, [['produto', 'pedidosGravarPedidosInPedidoProduto']]),
      complexType('pedidosGravarPedidosIn', [['sigInt', 'string']], [['pedido', 'pedidosGravarPedidosInPedido']]),
      complexType('pedidosGravarPedidosOutRespostaPedido', returned),
      complexType('pedidosGravarPedidosOut', answerFields, [['respostaPedido', 'pedidosGravarPedidosOutRespostaPedido']]),
    ],
  });
}
