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
  return fields
    .map(([name, type]) => `<xsd:element name="${name}" type="xsd:${type}" minOccurs="0" nillable="true"/>`)
    .join('\n          ');
}

/** The WSDL text; `location` is the service address written into `soap:address`. */
export function g5Wsdl(location: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<wsdl:definitions name="${G5_SERVICE}" targetNamespace="${G5_NAMESPACE}"
    xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/"
    xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/"
    xmlns:xsd="http://www.w3.org/2001/XMLSchema"
    xmlns:tns="${G5_NAMESPACE}">
  <wsdl:types>
    <xsd:schema targetNamespace="${G5_NAMESPACE}" elementFormDefault="unqualified">
      <xsd:complexType name="clientesGravarClientesInDadosGeraisClienteDefinicoesCliente">
        <xsd:sequence>
          ${elements(definitionFields)}
        </xsd:sequence>
      </xsd:complexType>
      <xsd:complexType name="clientesGravarClientesInDadosGeraisCliente">
        <xsd:sequence>
          ${elements(customerFields)}
          <xsd:element name="definicoesCliente" type="tns:clientesGravarClientesInDadosGeraisClienteDefinicoesCliente" minOccurs="0" maxOccurs="unbounded" nillable="true"/>
        </xsd:sequence>
      </xsd:complexType>
      <xsd:complexType name="clientesGravarClientesIn">
        <xsd:sequence>
          <xsd:element name="dadosGeraisCliente" type="tns:clientesGravarClientesInDadosGeraisCliente" minOccurs="0" maxOccurs="unbounded" nillable="true"/>
          <xsd:element name="sigInt" type="xsd:string" minOccurs="0" nillable="true"/>
        </xsd:sequence>
      </xsd:complexType>
      <xsd:complexType name="clientesGravarClientesOutRetornosClientes">
        <xsd:sequence>
          ${elements(returnFields)}
        </xsd:sequence>
      </xsd:complexType>
      <xsd:complexType name="clientesGravarClientesOut">
        <xsd:sequence>
          <xsd:element name="erroExecucao" type="xsd:string" minOccurs="0" nillable="true"/>
          <xsd:element name="mensagemRetorno" type="xsd:string" minOccurs="0" nillable="true"/>
          <xsd:element name="retornosClientes" type="tns:clientesGravarClientesOutRetornosClientes" minOccurs="0" maxOccurs="unbounded" nillable="true"/>
          <xsd:element name="tipoRetorno" type="xsd:int" minOccurs="0" nillable="true"/>
        </xsd:sequence>
      </xsd:complexType>
    </xsd:schema>
  </wsdl:types>
  <wsdl:message name="GravarClientes">
    <wsdl:part name="user" type="xsd:string"/>
    <wsdl:part name="password" type="xsd:string"/>
    <wsdl:part name="encryption" type="xsd:int"/>
    <wsdl:part name="parameters" type="tns:clientesGravarClientesIn"/>
  </wsdl:message>
  <wsdl:message name="GravarClientesResponse">
    <wsdl:part name="result" type="tns:clientesGravarClientesOut"/>
  </wsdl:message>
  <wsdl:portType name="${G5_PORT_TYPE}">
    <wsdl:operation name="GravarClientes">
      <wsdl:input message="tns:GravarClientes"/>
      <wsdl:output message="tns:GravarClientesResponse"/>
    </wsdl:operation>
  </wsdl:portType>
  <wsdl:binding name="${G5_PORT}Binding" type="tns:${G5_PORT_TYPE}">
    <soap:binding style="rpc" transport="http://schemas.xmlsoap.org/soap/http"/>
    <wsdl:operation name="GravarClientes">
      <soap:operation soapAction=""/>
      <wsdl:input><soap:body use="literal" namespace="${G5_NAMESPACE}"/></wsdl:input>
      <wsdl:output><soap:body use="literal" namespace="${G5_NAMESPACE}"/></wsdl:output>
    </wsdl:operation>
  </wsdl:binding>
  <wsdl:service name="${G5_SERVICE}">
    <wsdl:port name="${G5_PORT}" binding="tns:${G5_PORT}Binding">
      <soap:address location="${location}"/>
    </wsdl:port>
  </wsdl:service>
</wsdl:definitions>
`;
}
