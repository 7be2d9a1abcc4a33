"""The same everyday calls through python-glanceclient and openstacksdk, for one Image API endpoint.

Usage: [OS_AUTH_URL=… OS_USERNAME=… …] /usr/bin/python3 tests/clients/clients.py ENDPOINT DATA_URL > outcomes.json

ENDPOINT is an Image API base URL; with OS_AUTH_URL set the clients log in to Keystone (password, the usual OS_*
variables), without it they send no credentials. DATA_URL is an http URL the server can fetch (for web-download). Prints one JSON object: for each client, the outcome of each call in order —
"ok" with the fields that do not depend on the server's ids and clocks, or "error <HTTP status>". Run against two
servers, the lists must be equal call by call.
"""
import hashlib
import io
import os
import json
import sys
import time

import glanceclient
import openstack
from keystoneauth1 import loading, session as ks_session
from glanceclient import exc as glance_exc
from openstack import exceptions as sdk_exc

DATA = b'glance-conformance client check\n' * 64
TIMEOUT_S = 30
# Fields of an image that two servers holding the same data must agree on.
IMAGE_FIELDS = ('name', 'status', 'size', 'checksum', 'os_hash_algo', 'os_hash_value', 'visibility', 'protected',
                'disk_format', 'container_format', 'min_ram', 'min_disk', 'os_hidden')


def image_fields(image):
    get = image.get if isinstance(image, dict) else lambda key: getattr(image, key, None)
    fields = {key: get(key) for key in IMAGE_FIELDS}
    fields['tags'] = sorted(get('tags') or [])
    return fields


def plain(result):
    """A result worth comparing as it is (a status, a name, a list of them); None for client objects."""
    return result if type(result) in (str, int, bool, list, dict) else None


def record(outcomes, name, call, summarize=plain):
    try:
        result = call()
        outcomes.append([name, 'ok', summarize(result)])
        return result
    except (glance_exc.HTTPException, sdk_exc.HttpException) as error:
        status = getattr(error, 'code', None) or getattr(error, 'status_code', None)
        outcomes.append([name, 'error %s' % status, None])
        return None
    except Exception as error:  # noqa: BLE001 - a client-side failure is an outcome too (e.g. a client bug)
        outcomes.append([name, 'client-side %s' % type(error).__name__, None])
        return None


def wait_status(read, wanted):
    deadline = time.time() + TIMEOUT_S
    status = None
    while time.time() < deadline:
        status = read()
        if status in wanted:
            return status
        time.sleep(0.2)
    return status


def keystone_auth():
    """The OS_* password identity, or None without OS_AUTH_URL."""
    if 'OS_AUTH_URL' not in os.environ:
        return None
    env = os.environ
    return {'auth_url': env['OS_AUTH_URL'], 'username': env['OS_USERNAME'], 'password': env['OS_PASSWORD'],
            'project_name': env['OS_PROJECT_NAME'], 'user_domain_name': env.get('OS_USER_DOMAIN_NAME', 'Default'),
            'project_domain_name': env.get('OS_PROJECT_DOMAIN_NAME', 'Default')}


def glanceclient_calls(endpoint, data_url):
    auth = keystone_auth()
    if auth:
        session = ks_session.Session(auth=loading.get_plugin_loader('password').load_from_options(**auth))
        client = glanceclient.Client('2', endpoint=endpoint, session=session)
    else:
        client = glanceclient.Client('2', endpoint=endpoint, token='no-auth')
    images, members, tags = client.images, client.image_members, client.image_tags
    out = []
    new = lambda name: images.create(name=name, disk_format='raw', container_format='bare')
    image = record(out, 'create', lambda: new('gc-image'), image_fields)
    image_id = image['id']
    record(out, 'show', lambda: images.get(image_id), image_fields)
    record(out, 'upload', lambda: images.upload(image_id, io.BytesIO(DATA)))
    record(out, 'show after upload', lambda: images.get(image_id), image_fields)
    record(out, 'download', lambda: b''.join(images.data(image_id)), lambda body: hashlib.md5(body).hexdigest())
    record(out, 'update', lambda: images.update(image_id, name='gc-renamed', min_ram=64, os_distro='x'), image_fields)
    record(out, 'list by name', lambda: list(images.list(filters={'name': 'gc-renamed'})), len)
    record(out, 'add tag', lambda: tags.update(image_id, 'gc-tag'))
    record(out, 'delete unknown tag', lambda: tags.delete(image_id, 'gc-nope'))
    record(out, 'list by tag', lambda: [i['name'] for i in images.list(filters={'tag': ['gc-tag']})], sorted)
    record(out, 'delete tag', lambda: tags.delete(image_id, 'gc-tag'))
    record(out, 'add member', lambda: members.create(image_id, 'gc-project'), lambda m: m['status'])
    record(out, 'add member again', lambda: members.create(image_id, 'gc-project'))
    record(out, 'list members', lambda: [m['member_id'] for m in members.list(image_id)], sorted)
    record(out, 'accept as owner', lambda: members.update(image_id, 'gc-project', 'accepted'),
           lambda member: member['status'])
    record(out, 'remove member', lambda: members.delete(image_id, 'gc-project'))
    record(out, 'deactivate', lambda: images.deactivate(image_id))
    record(out, 'show deactivated', lambda: images.get(image_id)['status'])
    record(out, 'reactivate', lambda: images.reactivate(image_id))
    record(out, 'import info', lambda: images.get_import_info(), lambda info: info['import-methods']['value'])
    record(out, 'stores info', lambda: images.get_stores_info())
    staged = record(out, 'create for glance-direct', lambda: new('gc-staged'), image_fields)
    record(out, 'stage', lambda: images.stage(staged['id'], io.BytesIO(DATA)))
    record(out, 'import glance-direct', lambda: images.image_import(staged['id'], method='glance-direct'))
    record(out, 'glance-direct result', lambda: wait_status(lambda: images.get(staged['id'])['status'], ['active']))
    fetched = record(out, 'create for web-download', lambda: new('gc-web'), image_fields)
    record(out, 'import web-download', lambda: images.image_import(fetched['id'], method='web-download', uri=data_url))
    record(out, 'web-download result', lambda: image_fields(
        images.get(fetched['id']) if wait_status(lambda: images.get(fetched['id'])['status'], ['active']) else {}))
    record(out, 'image tasks', lambda: [t['status'] for t in images.get_associated_image_tasks(fetched['id'])['tasks']])
    record(out, 'schema', lambda: client.schemas.get('image').name)
    record(out, 'metadef namespace', lambda: client.metadefs_namespace.get('OS::Compute::Hypervisor')['namespace'])
    record(out, 'protect', lambda: images.update(image_id, protected=True)['protected'])
    record(out, 'delete protected', lambda: images.delete(image_id))
    record(out, 'unprotect', lambda: images.update(image_id, protected=False)['protected'])
    for name, target in (('delete', image_id), ('delete staged', staged['id']), ('delete web', fetched['id'])):
        record(out, name, lambda target=target: images.delete(target))
    record(out, 'show deleted', lambda: images.get(image_id))
    return out


def openstacksdk_calls(endpoint, data_url):
    auth = keystone_auth()
    if auth:
        conn = openstack.connect(auth_type='password', auth=auth, image_endpoint_override=endpoint,
                                 image_api_version='2', region_name=os.environ.get('OS_REGION_NAME'))
    else:
        conn = openstack.connect(auth_type='none', auth={'endpoint': endpoint}, image_endpoint_override=endpoint,
                                 image_api_version='2')
    image_api = conn.image
    out = []
    new = lambda name: image_api.create_image(name=name, disk_format='raw', container_format='bare')
    image = record(out, 'create', lambda: new('sdk-image'), image_fields)
    record(out, 'show', lambda: image_api.get_image(image.id), image_fields)
    image.data = DATA
    record(out, 'upload', lambda: image.upload(image_api))
    record(out, 'show after upload', lambda: image_api.get_image(image.id), image_fields)
    record(out, 'download', lambda: image_api.download_image(image.id).content, lambda body: hashlib.md5(body).hexdigest())
    record(out, 'update', lambda: image_api.update_image(image.id, name='sdk-renamed', min_ram=64), image_fields)
    record(out, 'list by name', lambda: list(image_api.images(name='sdk-renamed')), len)
    record(out, 'add tag', lambda: image_api.add_tag(image.id, 'sdk-tag'))
    record(out, 'list by tag', lambda: [i.name for i in image_api.images(tag='sdk-tag')], sorted)
    record(out, 'remove tag', lambda: image_api.remove_tag(image_api.get_image(image.id), 'sdk-tag'))
    record(out, 'add member', lambda: image_api.add_member(image.id, member_id='sdk-project'), lambda m: m.status)
    record(out, 'list members', lambda: [m.member_id for m in image_api.members(image.id)], sorted)
    record(out, 'remove member', lambda: image_api.remove_member('sdk-project', image.id))
    record(out, 'deactivate', lambda: image_api.deactivate_image(image.id))
    record(out, 'reactivate', lambda: image_api.reactivate_image(image.id))
    record(out, 'import info', lambda: image_api.get_import_info(), lambda info: info.import_methods['value'])
    record(out, 'stores', lambda: list(image_api.stores()))
    staged = record(out, 'create for glance-direct', lambda: new('sdk-staged'), image_fields)
    record(out, 'stage', lambda: image_api.stage_image(staged, data=DATA))
    record(out, 'import glance-direct', lambda: image_api.import_image(staged, method='glance-direct'))
    record(out, 'glance-direct result', lambda: wait_status(lambda: image_api.get_image(staged.id).status, ['active']))
    fetched = record(out, 'create for web-download', lambda: new('sdk-web'), image_fields)
    record(out, 'import web-download', lambda: image_api.import_image(fetched, method='web-download', uri=data_url))
    record(out, 'web-download result', lambda: wait_status(lambda: image_api.get_image(fetched.id).status, ['active']))
    record(out, 'tasks', lambda: sorted({t.type for t in image_api.tasks()}))
    record(out, 'image schema', lambda: image_api.get_image_schema().properties['disk_format']['enum'][-1])
    for name, target in (('delete', image.id), ('delete staged', staged.id), ('delete web', fetched.id)):
        record(out, name, lambda target=target: image_api.delete_image(target))
    record(out, 'show deleted', lambda: image_api.get_image(image.id))
    return out


def main():
    endpoint, data_url = sys.argv[1], sys.argv[2]
    print(json.dumps({'glanceclient': glanceclient_calls(endpoint, data_url),
                      'openstacksdk': openstacksdk_calls(endpoint, data_url)}, indent=1))


if __name__ == '__main__':
    main()
